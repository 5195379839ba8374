using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Parley.Protocol;

namespace Parley.Server.Moderation;

/// <summary>
/// What a ban or mute matches: an account (<c>account:KEY</c>, the name's identity key) or an address
/// range (<c>address:IP/PREFIX</c>, one address being a /32 or /128). The text form is canonical, so it is
/// what the store keys on, what <c>BanEntry.mask</c> shows and what <c>Unban</c> takes back.
/// </summary>
public sealed class BanMask : IEquatable<BanMask>
{
    public const string AccountPrefix = "account:";
    public const string AddressPrefix = "address:";

    private readonly string? _account;
    private readonly IPNetwork _network;

    private BanMask(string text, string? account, IPNetwork network)
    {
        Text = text;
        _account = account;
        _network = network;
    }

    /// <summary>The canonical text: <c>account:alice</c>, <c>address:203.0.113.0/24</c>.</summary>
    public string Text { get; }

    public bool IsAccount => _account is not null;

    /// <summary>An account's mask; <paramref name="accountKey"/> is already a key.</summary>
    public static BanMask ForAccount(string accountKey) => new(AccountPrefix + accountKey, accountKey, default);

    /// <summary>One address's mask (/32 or /128).</summary>
    public static BanMask ForAddress(IPAddress address)
    {
        address = Normalize(address);
        return ForNetwork(new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
    }

    /// <summary>An account name as typed (validated and keyed as nicknames are).</summary>
    public static bool TryAccount(string name, [NotNullWhen(true)] out BanMask? mask, out string error)
    {
        mask = null;
        if (!ContentRules.TryValidateNick(name, out _, out string key, out error))
        {
            error = $"not an account name: {error}";
            return false;
        }

        mask = ForAccount(key);
        return true;
    }

    /// <summary>
    /// An address or CIDR prefix as typed: <c>203.0.113.7</c>, <c>203.0.113.0/24</c>, <c>2001:db8::/32</c>.
    /// Bits below the prefix are cleared (<c>10.1.2.3/8</c> is <c>10.0.0.0/8</c>); an IPv4 address written as
    /// IPv6 (<c>::ffff:10.0.0.1</c>) is taken as the IPv4 address, as connections are matched.
    /// </summary>
    public static bool TryAddress(string text, [NotNullWhen(true)] out BanMask? mask, out string error)
    {
        mask = null;
        error = $"not an IP address or CIDR prefix: {ContentRules.NeutralizeText(text)}";
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        string ipText = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(ipText, out IPAddress? ip) || ip.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
            || ipText.Contains('%', StringComparison.Ordinal))
        {
            return false;
        }

        int bits = ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        int prefix = bits;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > bits))
        {
            return false;
        }

        if (ip.IsIPv4MappedToIPv6)
        {
            if (prefix < 96)
            {
                error = "a prefix of an IPv4-mapped address must be at least 96 bits";
                return false;
            }

            ip = ip.MapToIPv4();
            prefix -= 96;
        }

        mask = ForNetwork(new IPNetwork(ClearHostBits(ip, prefix), prefix));
        error = string.Empty;
        return true;
    }

    /// <summary>A mask in its text form (<c>account:NAME</c> or <c>address:IP[/PREFIX]</c>), made canonical.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out BanMask? mask, out string error)
    {
        if (text.StartsWith(AccountPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return TryAccount(text[AccountPrefix.Length..], out mask, out error);
        }

        if (text.StartsWith(AddressPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return TryAddress(text[AddressPrefix.Length..], out mask, out error);
        }

        mask = null;
        error = $"a mask is account:NAME or address:IP[/PREFIX], not {ContentRules.NeutralizeText(text)}";
        return false;
    }

    /// <summary>Whether a session with this account (null: a guest) connected from this address matches.</summary>
    public bool Matches(string? accountKey, IPAddress? address) => _account is not null
        ? accountKey is not null && string.Equals(_account, accountKey, StringComparison.Ordinal)
        : address is not null && _network.Contains(Normalize(address));

    /// <summary>
    /// A dual-stack listener reports IPv4 peers as IPv4-mapped IPv6 addresses (<c>::ffff:a.b.c.d</c>);
    /// bans are written in IPv4, so both are compared in IPv4. A scope id (<c>%eth0</c>) is dropped.
    /// </summary>
    public static IPAddress Normalize(IPAddress address) =>
        address.IsIPv4MappedToIPv6 ? address.MapToIPv4()
        : address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0 ? new IPAddress(address.GetAddressBytes())
        : address;

    public bool Equals(BanMask? other) => other is not null && string.Equals(Text, other.Text, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as BanMask);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Text);

    public override string ToString() => Text;

    private static BanMask ForNetwork(IPNetwork network) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{AddressPrefix}{network.BaseAddress}/{network.PrefixLength}"), null, network);

    private static IPAddress ClearHostBits(IPAddress ip, int prefix)
    {
        byte[] bytes = ip.GetAddressBytes();
        for (int i = 0; i < bytes.Length; i++)
        {
            int keep = Math.Clamp(prefix - i * 8, 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        return new IPAddress(bytes);
    }
}
