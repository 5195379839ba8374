namespace Parley.Server.Storage;

/// <summary>
/// The durable moderation state (issue 4, docs/PROTOCOL.md "Moderation"): each room's owner, modes and
/// operators; room and server bans; mutes. The server keeps a copy in memory (loaded with the room, or
/// at start for server bans) and writes every change through here before it takes effect.
/// </summary>
/// <remarks>
/// Accounts are their identity keys (<c>ContentRules.Key</c> of the name). A ban's or mute's
/// <see cref="Restriction.Mask"/> is <c>account:KEY</c> or <c>address:IP/PREFIX</c> (BanMask).
/// Times are Unix epoch milliseconds from the server's clock; an expiry of 0 means "until lifted".
/// Writes come from request handlers under the server's store write lock; reads from anywhere.
/// </remarks>
public interface IModerationStore
{
    /// <summary>A room's moderation state; an empty one (no owner, no modes) for a room never moderated.</summary>
    RoomModeration LoadRoomModeration(string roomKey, long nowMs);

    /// <summary>Creates or updates a room's owner and modes.</summary>
    void SaveRoomSettings(string roomKey, RoomSettings settings);

    /// <summary>Makes <paramref name="account"/> an operator of the room, or (false) a plain member again.</summary>
    void SetOperator(string roomKey, string account, bool isOperator);

    /// <summary>Adds a ban, replacing one with the same scope and mask.</summary>
    void SaveBan(Restriction ban);

    /// <summary>Lifts a ban; false when there was none.</summary>
    bool DeleteBan(string scope, string mask);

    /// <summary>The bans of a scope (a room key, or <see cref="Restriction.ServerScope"/>) still in force at <paramref name="nowMs"/>.</summary>
    IReadOnlyList<Restriction> LoadBans(string scope, long nowMs);

    /// <summary>Adds a mute in a room, replacing one with the same mask.</summary>
    void SaveMute(Restriction mute);

    /// <summary>Lifts a mute; false when there was none.</summary>
    bool DeleteMute(string roomKey, string mask);
}

/// <summary>A room's owner (an account key; empty when a guest created it) and modes.</summary>
public sealed record RoomSettings(string Owner, bool InviteOnly, bool TopicLocked)
{
    public static readonly RoomSettings None = new(string.Empty, false, false);
}

/// <summary>Everything moderation keeps about one room.</summary>
public sealed record RoomModeration(
    RoomSettings Settings, IReadOnlyList<string> Operators, IReadOnlyList<Restriction> Bans, IReadOnlyList<Restriction> Mutes);

/// <summary>
/// A ban (in a room, or server-wide) or a mute (in a room). <see cref="ExpiresMs"/> 0: until lifted.
/// <see cref="By"/> is who set it, as shown in ban lists (a nickname, or <c>console</c> for <c>parley admin</c>).
/// </summary>
public sealed record Restriction(string Scope, string Mask, string By, string Reason, long CreatedMs, long ExpiresMs)
{
    /// <summary>The scope of server-wide bans.</summary>
    public const string ServerScope = "";

    public bool InForceAt(long nowMs) => ExpiresMs == 0 || ExpiresMs > nowMs;
}
