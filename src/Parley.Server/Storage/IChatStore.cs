namespace Parley.Server.Storage;

/// <summary>
/// The server's durable state (issue 5): messages with per-conversation sequence numbers, rooms,
/// read markers. The SQLite implementation lives in Parley.Storage.Sqlite; the server talks to
/// this interface only, from one writer thread (the group committer) plus any number of readers.
/// </summary>
/// <remarks>
/// Conversation ids: a room is its key (<c>#general</c>, lower-cased NFKC as from
/// <c>ContentRules.Key</c>); a direct-message conversation is <see cref="DirectConversation"/> of the
/// two users: a guest by its nickname key, an account by <see cref="AccountUser"/> (<c>~key</c>; <c>~</c> is
/// never in a nickname, so a guest who once used a name is never confused with the account that has it). Methods are synchronous on purpose: SQLite does its I/O synchronously, and the
/// committer owns a dedicated thread.
/// </remarks>
public interface IChatStore : IDisposable
{
    /// <summary>Opens or creates the database and applies pending migrations.</summary>
    void Open();

    /// <summary>
    /// Stores a batch in one transaction with one durable commit, assigning each new message its
    /// conversation's next sequence number (last + 1, never reused, even across restarts).
    /// A message whose (conversation, sender key, client message id) is already stored, with a
    /// non-empty client message id, is not stored again: its result is the original message with
    /// <see cref="StoredMessage.Duplicate"/> set. Results are in the batch's order.
    /// </summary>
    /// <exception cref="StoreUnavailableException">The disk is full, the database read-only or
    /// corrupt: nothing of the batch is stored.</exception>
    IReadOnlyList<StoredMessage> AppendBatch(IReadOnlyList<MessageToStore> batch);

    /// <summary>The conversation's last sequence number, 0 when it has none.</summary>
    ulong LastSeq(string conversation);

    /// <summary>
    /// Up to <paramref name="limit"/> messages of a conversation, oldest first. Forward: those with
    /// seq greater than <paramref name="seq"/>. Backward: the newest ones with seq less than
    /// <paramref name="seq"/> (<c>ulong.MaxValue</c> for "the latest").
    /// </summary>
    IReadOnlyList<StoredMessage> Read(string conversation, ulong seq, int limit, bool forward);

    /// <summary>Creates or updates a room's durable record.</summary>
    void SaveRoom(RoomRecord room);

    IReadOnlyList<RoomRecord> LoadRooms();

    /// <summary>Sets the last-read sequence of a user in a conversation; never moves it backwards. True when it moved.</summary>
    bool SetReadMarker(string userKey, string conversation, ulong seq);

    ulong GetReadMarker(string userKey, string conversation);

    /// <summary>Direct-message conversations of a user with messages after its read marker, with their unread counts.</summary>
    IReadOnlyList<UnreadConversation> UnreadDirectConversations(string userKey);

    /// <summary>Deletes messages older than <paramref name="maxAge"/> and beyond the newest <paramref name="maxCount"/>; returns how many. Sequence numbers are not reused afterwards.</summary>
    int ApplyRetention(string conversation, TimeSpan? maxAge, int? maxCount, long nowMs);

    /// <summary>Every stored message of a conversation, oldest first (for export), streamed.</summary>
    IEnumerable<StoredMessage> ReadAll(string conversation);

    /// <summary><c>PRAGMA integrity_check</c>: "ok" when the database is sound.</summary>
    string IntegrityCheck();

    /// <summary>An account as a user of conversations and read markers: <c>~</c> and the account key.</summary>
    static string AccountUser(string accountKey) => "~" + accountKey;

    /// <summary>The DM conversation id of two users, the same whichever is first: <c>@a,b</c> with the keys ordered.</summary>
    static string DirectConversation(string userKeyA, string userKeyB) =>
        string.CompareOrdinal(userKeyA, userKeyB) <= 0 ? $"@{userKeyA},{userKeyB}" : $"@{userKeyB},{userKeyA}";
}

/// <summary>A message to store. <see cref="MessageId"/> and <see cref="TimestampMs"/> are assigned by the server before the append.</summary>
public sealed record MessageToStore(
    string Conversation, string SenderKey, string SenderNick, string Recipient, string Text, bool Action,
    string ClientMsgId, ulong MessageId, long TimestampMs);

/// <summary>A stored message. <see cref="Recipient"/> is the recipient's nickname for a DM, empty for a room.</summary>
public sealed record StoredMessage(
    string Conversation, ulong Seq, ulong MessageId, long TimestampMs, string SenderKey, string SenderNick,
    string Recipient, string Text, bool Action, string ClientMsgId, bool Duplicate = false);

/// <summary>A room's durable state.</summary>
public sealed record RoomRecord(string Key, string Name, string Topic, string TopicSetBy, long CreatedMs);

/// <summary>A DM conversation with unread messages.</summary>
public sealed record UnreadConversation(string Conversation, ulong LastSeq, ulong ReadMarker, int Unread);

/// <summary>The store can't accept writes (disk full, read-only, corrupt); nothing was stored.</summary>
public sealed class StoreUnavailableException : Exception
{
    public StoreUnavailableException() { }

    public StoreUnavailableException(string message) : base(message) { }

    public StoreUnavailableException(string message, Exception? inner) : base(message, inner) { }
}
