namespace Parley.Server.Storage;

/// <summary>
/// Accounts, their resume tokens and invite codes (issue 4). The server reads an account from the store at
/// every login rather than caching it, so changes made with <c>parley admin user</c> against the same data
/// directory apply at once. The SQLite implementation is <c>SqliteChatStore</c> (one database file for
/// everything); <see cref="InMemoryAccountStore"/> serves fast tests.
/// </summary>
/// <remarks>
/// Keys are nickname keys (<c>ContentRules.Key</c>). Secrets never reach the store: passwords only as
/// Argon2id PHC strings, resume tokens and invite codes only as SHA-256 hashes (hex). Moderation adds its
/// own tables keyed by account (bans, room roles) beside these.
/// </remarks>
public interface IAccountStore
{
    AccountRecord? FindAccount(string key);

    IReadOnlyList<AccountRecord> ListAccounts();

    /// <summary>
    /// Creates an account. With <paramref name="inviteCodeHash"/>, the invite is used in the same
    /// transaction: an unknown or used code creates nothing.
    /// </summary>
    CreateAccountResult CreateAccount(AccountRecord account, string? inviteCodeHash = null);

    /// <summary>Replaces the password hash; with <paramref name="revokeTokens"/> every resume token of the account goes too. False if no such account.</summary>
    bool SetPasswordHash(string key, string passwordHash, bool revokeTokens);

    /// <summary>Makes the account a server administrator or not. False if no such account.</summary>
    bool SetAdmin(string key, bool admin);

    /// <summary>Deletes the account, its resume tokens and its memberships. False if no such account.</summary>
    bool DeleteAccount(string key);

    void AddResumeToken(ResumeTokenRecord token);

    /// <summary>The token with this hash, expired or not; null if unknown or revoked.</summary>
    ResumeTokenRecord? FindResumeToken(string tokenHash);

    /// <summary>Revokes one token of the account (by hash), or all of them (null); returns how many.</summary>
    int RevokeResumeTokens(string accountKey, string? tokenHash);

    void AddInvite(InviteRecord invite);

    /// <summary>
    /// Records that the account is a member of the room (issue 5: memberships survive restarts). Joining
    /// again keeps the first join's time and takes the room's current display name.
    /// </summary>
    void SaveMembership(string accountKey, string roomKey, string roomName, long joinedMs);

    /// <summary>The account is no longer a member (it left, or was kicked or banned); false if it was not one.</summary>
    bool DeleteMembership(string accountKey, string roomKey);

    /// <summary>The display names of the account's rooms, first joined first.</summary>
    IReadOnlyList<string> LoadMemberships(string accountKey);

    /// <summary>
    /// Records a change made behind a running server's back (<c>parley admin</c>), for the server to apply
    /// (<see cref="AdminChangesAfter"/>). Keeps the newest 1,000.
    /// </summary>
    void NoteAdminChange(string kind, string subject, long atMs);

    /// <summary>The changes noted after <paramref name="id"/>, oldest first; at most 1,000.</summary>
    IReadOnlyList<AdminChange> AdminChangesAfter(long id);

    /// <summary>The id of the newest change noted; 0 when none.</summary>
    long LastAdminChangeId();
}

/// <summary>An account. <see cref="Name"/> is the name as registered (NFC), <see cref="Key"/> its identity.</summary>
public sealed record AccountRecord(string Key, string Name, string PasswordHash, bool Admin, long CreatedMs);

/// <summary>A resume token, stored by its SHA-256 (hex). <see cref="ExpiresMs"/> is Unix milliseconds.</summary>
public sealed record ResumeTokenRecord(string TokenHash, string AccountKey, long CreatedMs, long ExpiresMs);

/// <summary>A change <c>parley admin</c> made in the database, for a running server to apply.</summary>
/// <param name="Id">Grows with every change: a server applies those after the last it saw.</param>
/// <param name="Kind"><see cref="Ban"/>, <see cref="Account"/> or <see cref="Logout"/>.</param>
/// <param name="Subject">The ban mask, or the account key.</param>
/// <param name="AtMs">When it was made, Unix milliseconds.</param>
public sealed record AdminChange(long Id, string Kind, string Subject, long AtMs)
{
    /// <summary>The server bans changed: reload them and close the connections they now match.</summary>
    public const string Ban = "ban";

    /// <summary>The account was deleted (its sessions end) or its administrator flag changed.</summary>
    public const string Account = "account";

    /// <summary>The account's password was reset: its sessions end, to log in again with the new one.</summary>
    public const string Logout = "logout";
}

/// <summary>A single-use invite code, stored by its SHA-256 (hex).</summary>
public sealed record InviteRecord(string CodeHash, string CreatedBy, long CreatedMs);

public enum CreateAccountResult
{
    Created,
    Exists,
    InviteNotValid,
}
