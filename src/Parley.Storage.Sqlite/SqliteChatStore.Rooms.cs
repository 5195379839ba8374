using Microsoft.Data.Sqlite;
using Parley.Server.Storage;

namespace Parley.Storage.Sqlite;

/// <summary>Rooms, read markers, unread counts, and the integrity check.</summary>
public sealed partial class SqliteChatStore
{
    private const string SaveRoomSql = """
        INSERT INTO rooms (key, name, topic, topic_set_by, created_ms) VALUES ($key, $name, $topic, $topic_set_by, $created_ms)
        ON CONFLICT (key) DO UPDATE SET
            name = excluded.name, topic = excluded.topic, topic_set_by = excluded.topic_set_by, created_ms = excluded.created_ms
        """;

    // The WHERE on the upsert is what keeps a marker from moving backwards (a stale client, a reordered request).
    private const string SetReadMarkerSql = """
        INSERT INTO read_markers (user_key, conversation, seq) VALUES ($user_key, $conversation, $seq)
        ON CONFLICT (user_key, conversation) DO UPDATE SET seq = excluded.seq WHERE excluded.seq > read_markers.seq
        """;

    // A DM conversation is '@' + the two user keys, ordered, joined by ',' (IChatStore.DirectConversation):
    // the user's are those starting with '@key,' or ending with ',key'. Compared with substr, not LIKE,
    // whose '_' and '%' wildcards could occur in a key. This scans the conversations table (one row per
    // conversation, not per message); the counts use the messages primary key.
    private const string UnreadDirectSql = """
        SELECT conversation, last_seq, marker, unread FROM (
            SELECT c.conversation, c.last_seq, coalesce(r.seq, 0) AS marker,
                (SELECT count(*) FROM messages m
                 WHERE m.conversation = c.conversation AND m.seq > coalesce(r.seq, 0) AND m.sender_key <> $user_key) AS unread
            FROM conversations c
            LEFT JOIN read_markers r ON r.user_key = $user_key AND r.conversation = c.conversation
            WHERE substr(c.conversation, 1, 1) = '@'
              AND (substr(c.conversation, 1, length($prefix)) = $prefix OR substr(c.conversation, -length($suffix)) = $suffix)
              AND c.last_seq > coalesce(r.seq, 0))
        WHERE unread > 0
        ORDER BY conversation
        """;

    public void SaveRoom(RoomRecord room)
    {
        ArgumentNullException.ThrowIfNull(room);
        ThrowIfNotOpen();
        InWriteTransaction((connection, transaction) =>
        {
            using SqliteCommand command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = SaveRoomSql;
            command.Parameters.AddWithValue("$key", room.Key);
            command.Parameters.AddWithValue("$name", room.Name);
            command.Parameters.AddWithValue("$topic", room.Topic);
            command.Parameters.AddWithValue("$topic_set_by", room.TopicSetBy);
            command.Parameters.AddWithValue("$created_ms", room.CreatedMs);
            return command.ExecuteNonQuery();
        });
    }

    public IReadOnlyList<RoomRecord> LoadRooms() => OnReader(connection =>
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT key, name, topic, topic_set_by, created_ms FROM rooms ORDER BY key";
        return Rows(command, r => new RoomRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4)));
    });

    public bool SetReadMarker(string userKey, string conversation, ulong seq)
    {
        ThrowIfNotOpen();
        return InWriteTransaction((connection, transaction) =>
        {
            using SqliteCommand command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = SetReadMarkerSql;
            command.Parameters.AddWithValue("$user_key", userKey);
            command.Parameters.AddWithValue("$conversation", conversation);
            command.Parameters.AddWithValue("$seq", DbValues.SeqBound(seq));
            return command.ExecuteNonQuery() > 0;
        });
    }

    public ulong GetReadMarker(string userKey, string conversation) => OnReader(connection =>
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT seq FROM read_markers WHERE user_key = $user_key AND conversation = $conversation";
        command.Parameters.AddWithValue("$user_key", userKey);
        command.Parameters.AddWithValue("$conversation", conversation);
        return command.ExecuteScalar() is long seq ? (ulong)seq : 0UL;
    });

    /// <inheritdoc />
    /// <remarks>The user's own messages are not unread. Ordered by conversation id.</remarks>
    public IReadOnlyList<UnreadConversation> UnreadDirectConversations(string userKey) => OnReader(connection =>
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = UnreadDirectSql;
        command.Parameters.AddWithValue("$user_key", userKey);
        command.Parameters.AddWithValue("$prefix", $"@{userKey},");
        command.Parameters.AddWithValue("$suffix", $",{userKey}");
        return Rows(command, r => new UnreadConversation(r.GetString(0), (ulong)r.GetInt64(1), (ulong)r.GetInt64(2), r.GetInt32(3)));
    });

    /// <inheritdoc />
    /// <remarks>Reads every page of the file: seconds on a large database. Errors come back one per line.</remarks>
    public string IntegrityCheck() => OnReader(connection =>
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        return string.Join('\n', Rows(command, r => r.GetString(0)));
    });
}
