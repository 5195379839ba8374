using System.Net;
using Parley.Server.Accounts;
using Parley.Server.Moderation;

namespace Parley.Server.Chat;

/// <summary>
/// Who the session is, as moderation sees it: the account it logged in to (<see cref="Account"/>, set by the
/// handshake; null for a guest), whether that account is a server administrator (<see cref="IsAdmin"/>), and
/// the address it connected from.
/// </summary>
internal sealed partial class Session
{
    private readonly Lock _invitesGate = new();
    private HashSet<string>? _invites;
    // Worked out once; a benign race if two threads do it at once (both get the same value).
    private IPAddress? _remoteAddress;

    /// <summary>The account's identity key (<c>ContentRules.Key</c> of its name); null for a guest.</summary>
    public string? AccountKey => _account?.Key;

    /// <summary>The peer's address (IPv4-mapped addresses as IPv4); null over an in-memory pipe.</summary>
    public IPAddress? RemoteAddress => _remoteAddress ??= Connection.RemoteEndPoint?.Address is { } address ? BanMask.Normalize(address) : null;

    /// <summary>
    /// What a ban or mute "by nickname" records for this session: its account, or for a guest its address
    /// (a guest's nickname is no identity: it could change it and carry on). Null: a guest over a pipe.
    /// </summary>
    public BanMask? IdentityMask => AccountKey is { } account ? BanMask.ForAccount(account)
        : RemoteAddress is { } address ? BanMask.ForAddress(address)
        : null;

    /// <summary>
    /// Tests only: makes the session one logged in to <paramref name="account"/> without a password hash (the
    /// in-memory moderation tests stand in for a login this way, before their Hello). The real login is
    /// Session.Handshake.cs.
    /// </summary>
    internal void SetAccountForTests(SessionAccount? account) => _account = account;

    /// <summary>An administrator made the account one, or no longer one, behind the server's back (any thread).</summary>
    public void UpdateAdmin(bool admin)
    {
        if (_account is { } account && account.Admin != admin)
        {
            _account = account with { Admin = admin };
        }
    }

    /// <summary>Records an invitation to a room (any thread); the next Join of that room uses it up.</summary>
    public void AddInvite(string roomKey)
    {
        lock (_invitesGate)
        {
            (_invites ??= new HashSet<string>(StringComparer.Ordinal)).Add(roomKey);
        }
    }

    /// <summary>Uses up an invitation to a room; false when there was none.</summary>
    public bool TakeInvite(string roomKey)
    {
        lock (_invitesGate)
        {
            return _invites?.Remove(roomKey) ?? false;
        }
    }
}
