using System.Diagnostics.CodeAnalysis;
using Parley.Protocol.Messages;

namespace Parley.Client;

/// <summary>
/// Whom a ban names (docs/PROTOCOL.md "Moderation"): an online nickname (the server bans its account, or a
/// guest's address), an account, or an IP address or CIDR prefix. The server checks and normalises it.
/// </summary>
public sealed record BanTarget
{
    private BanTarget(string nick, string account, string address)
    {
        Nick = nick;
        Account = account;
        Address = address;
    }

    public string Nick { get; }

    public string Account { get; }

    public string Address { get; }

    public static BanTarget OfNick(string nick) => new(nick, string.Empty, string.Empty);

    public static BanTarget OfAccount(string account) => new(string.Empty, account, string.Empty);

    /// <summary>An IP address (<c>203.0.113.7</c>) or a CIDR prefix (<c>203.0.113.0/24</c>, <c>2001:db8::/32</c>).</summary>
    public static BanTarget OfAddress(string address) => new(string.Empty, string.Empty, address);

    /// <summary>
    /// Reads what a user typed: <c>account:NAME</c>, <c>address:IP[/N]</c>, or a nickname. False for an
    /// empty text or an empty name after a prefix.
    /// </summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out BanTarget? target)
    {
        target = null;
        if (TryAfter(text, "account:", out string? account))
        {
            target = account.Length > 0 ? OfAccount(account) : null;
        }
        else if (TryAfter(text, "address:", out string? address))
        {
            target = address.Length > 0 ? OfAddress(address) : null;
        }
        else if (text.Length > 0 && !text.Contains(' ', StringComparison.Ordinal))
        {
            target = OfNick(text);
        }

        return target is not null;
    }

    internal Ban ToBan(string room, TimeSpan duration, string? reason) => new()
    {
        Room = room, Nick = Nick, Account = Account, Address = Address,
        DurationMs = (ulong)Math.Max(0, (long)duration.TotalMilliseconds), Reason = reason ?? string.Empty,
    };

    public override string ToString() =>
        Account.Length > 0 ? $"account:{Account}" : Address.Length > 0 ? $"address:{Address}" : Nick;

    private static bool TryAfter(string text, string prefix, [NotNullWhen(true)] out string? rest)
    {
        rest = text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? text[prefix.Length..] : null;
        return rest is not null;
    }
}
