using System.Net;
using Parley.Server.Moderation;

namespace Parley.Server.Chat;

/// <summary>
/// Who the session is, as moderation sees it: its account (null for a guest), whether it is a server
/// administrator, and the address it connected from. Moderation only reads <see cref="Account"/> and
/// <see cref="IsAdmin"/>; the login (issue 4, "Accounts") sets them through <see cref="SetIdentity"/>.
/// </summary>
internal sealed partial class Session
{
    private volatile string? _account;
    private volatile bool _isAdmin;
    private readonly Lock _invitesGate = new();
    private HashSet<string>? _invites;
    // Worked out once; a benign race if two threads do it at once (both get the same value).
    private IPAddress? _remoteAddress;

    /// <summary>The account's identity key (<c>ContentRules.Key</c> of its name); null for a guest.</summary>
    public string? Account => _account;

    /// <summary>The account is a server administrator.</summary>
    public bool IsAdmin => _isAdmin;

    /// <summary>The peer's address (IPv4-mapped addresses as IPv4); null over an in-memory pipe.</summary>
    public IPAddress? RemoteAddress => _remoteAddress ??= Connection.RemoteEndPoint?.Address is { } address ? BanMask.Normalize(address) : null;

    /// <summary>
    /// What a ban or mute "by nickname" records for this session: its account, or for a guest its address
    /// (a guest's nickname is no identity: it could change it and carry on). Null: a guest over a pipe.
    /// </summary>
    public BanMask? IdentityMask => Account is { } account ? BanMask.ForAccount(account)
        : RemoteAddress is { } address ? BanMask.ForAddress(address)
        : null;

    /// <summary>
    /// Sets the session's account (its key; null for a guest) and administrator flag. Called by the login;
    /// tests call it to stand in for one.
    /// </summary>
    internal void SetIdentity(string? account, bool isAdmin)
    {
        _account = account;
        _isAdmin = isAdmin;
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
