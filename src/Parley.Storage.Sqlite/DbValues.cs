using Microsoft.Data.Sqlite;
using Parley.Server.Storage;

namespace Parley.Storage.Sqlite;

/// <summary>Conversions between the interface's unsigned numbers and SQLite's signed 64-bit integers.</summary>
internal static class DbValues
{
    /// <summary>The columns <see cref="ReadMessage"/> expects, in its order.</summary>
    public const string MessageColumns =
        "conversation, seq, message_id, ts_ms, sender_key, sender_nick, recipient, text, action, client_msg_id";

    /// <summary>Message ids are opaque 64-bit values: stored bit for bit, so any ulong round-trips.</summary>
    public static long FromMessageId(ulong id) => unchecked((long)id);

    public static ulong ToMessageId(long stored) => unchecked((ulong)stored);

    /// <summary>
    /// A sequence number as a query bound. Stored seqs are positive signed integers; a bound above
    /// <see cref="long.MaxValue"/> (callers pass <c>ulong.MaxValue</c> for "the latest") means the same as long.MaxValue.
    /// </summary>
    public static long SeqBound(ulong seq) => seq > long.MaxValue ? long.MaxValue : (long)seq;

    public static StoredMessage ReadMessage(SqliteDataReader reader) => new(
        Conversation: reader.GetString(0),
        Seq: (ulong)reader.GetInt64(1),
        MessageId: ToMessageId(reader.GetInt64(2)),
        TimestampMs: reader.GetInt64(3),
        SenderKey: reader.GetString(4),
        SenderNick: reader.GetString(5),
        Recipient: reader.GetString(6),
        Text: reader.GetString(7),
        Action: reader.GetInt64(8) != 0,
        ClientMsgId: reader.GetString(9));
}
