using Microsoft.Data.Sqlite;
using Parley.Server.Storage;

namespace Parley.Storage.Sqlite;

/// <summary>
/// The append path's statements, prepared once on the write connection and reused for every message
/// of every batch: only parameter values change, so SQLite never parses SQL on the hot path.
/// </summary>
internal sealed class AppendCommands : IDisposable
{
    // Repeats the partial index's WHERE (client_msg_id <> ''): without it SQLite can't prove the
    // index covers the row and scans the conversation instead.
    internal const string FindDuplicateSql = """
        SELECT seq, message_id, ts_ms, sender_nick, recipient, text, action
        FROM messages
        WHERE conversation = $conversation AND sender_key = $sender_key AND client_msg_id = $client_msg_id
          AND client_msg_id <> ''
        """;

    // A conversation's sequence numbers are counted in memory through a batch: read once, written
    // back once at its end (see Append). The row is never deleted, so a sequence number is never
    // handed out twice, whatever retention removed.
    private const string ReadSeqSql = "SELECT last_seq FROM conversations WHERE conversation = $conversation";

    // Before the conversation's first message: messages.conversation references this row.
    private const string CreateConversationSql = "INSERT INTO conversations (conversation, last_seq) VALUES ($conversation, 0)";

    private const string WriteSeqSql = "UPDATE conversations SET last_seq = $last_seq WHERE conversation = $conversation";

    private const string InsertSql = """
        INSERT INTO messages (conversation, seq, message_id, ts_ms, sender_key, sender_nick, recipient, text, action, client_msg_id)
        VALUES ($conversation, $seq, $message_id, $ts_ms, $sender_key, $sender_nick, $recipient, $text, $action, $client_msg_id)
        """;

    private readonly SqliteCommand _findDuplicate;
    private readonly SqliteParameter _findConversation;
    private readonly SqliteParameter _findSenderKey;
    private readonly SqliteParameter _findClientMsgId;

    private readonly SqliteCommand _readSeq;
    private readonly SqliteParameter _readSeqConversation;
    private readonly SqliteCommand _createConversation;
    private readonly SqliteParameter _createConversationName;
    private readonly SqliteCommand _writeSeq;
    private readonly SqliteParameter _writeSeqConversation;
    private readonly SqliteParameter _writeSeqValue;

    // The batch's conversations and the last sequence number handed out in each; reused, one batch at a time.
    private readonly Dictionary<string, long> _lastSeqs = new(StringComparer.Ordinal);

    private readonly SqliteCommand _insert;
    private readonly SqliteParameter _insertConversation;
    private readonly SqliteParameter _insertSeq;
    private readonly SqliteParameter _insertMessageId;
    private readonly SqliteParameter _insertTimestamp;
    private readonly SqliteParameter _insertSenderKey;
    private readonly SqliteParameter _insertSenderNick;
    private readonly SqliteParameter _insertRecipient;
    private readonly SqliteParameter _insertText;
    private readonly SqliteParameter _insertAction;
    private readonly SqliteParameter _insertClientMsgId;

    public AppendCommands(SqliteConnection writer)
    {
        _findDuplicate = Create(writer, FindDuplicateSql);
        _findConversation = _findDuplicate.Parameters.Add("$conversation", SqliteType.Text);
        _findSenderKey = _findDuplicate.Parameters.Add("$sender_key", SqliteType.Text);
        _findClientMsgId = _findDuplicate.Parameters.Add("$client_msg_id", SqliteType.Text);

        _readSeq = Create(writer, ReadSeqSql);
        _readSeqConversation = _readSeq.Parameters.Add("$conversation", SqliteType.Text);
        _createConversation = Create(writer, CreateConversationSql);
        _createConversationName = _createConversation.Parameters.Add("$conversation", SqliteType.Text);
        _writeSeq = Create(writer, WriteSeqSql);
        _writeSeqConversation = _writeSeq.Parameters.Add("$conversation", SqliteType.Text);
        _writeSeqValue = _writeSeq.Parameters.Add("$last_seq", SqliteType.Integer);

        _insert = Create(writer, InsertSql);
        _insertConversation = _insert.Parameters.Add("$conversation", SqliteType.Text);
        _insertSeq = _insert.Parameters.Add("$seq", SqliteType.Integer);
        _insertMessageId = _insert.Parameters.Add("$message_id", SqliteType.Integer);
        _insertTimestamp = _insert.Parameters.Add("$ts_ms", SqliteType.Integer);
        _insertSenderKey = _insert.Parameters.Add("$sender_key", SqliteType.Text);
        _insertSenderNick = _insert.Parameters.Add("$sender_nick", SqliteType.Text);
        _insertRecipient = _insert.Parameters.Add("$recipient", SqliteType.Text);
        _insertText = _insert.Parameters.Add("$text", SqliteType.Text);
        _insertAction = _insert.Parameters.Add("$action", SqliteType.Integer);
        _insertClientMsgId = _insert.Parameters.Add("$client_msg_id", SqliteType.Text);

        _findDuplicate.Prepare();
        _readSeq.Prepare();
        _createConversation.Prepare();
        _writeSeq.Prepare();
        _insert.Prepare();
    }

    /// <summary>Appends a batch inside <paramref name="transaction"/>; results in the batch's order.</summary>
    /// <remarks>
    /// Each conversation's last_seq is read at its first message in the batch and written back once
    /// after the last: three statements per conversation per batch instead of an upsert per message.
    /// Besides the statement, the upsert cost a statement journal per message (SQLite saves the page
    /// it overwrites in place, in memory, so the statement alone can be undone), whose allocation and
    /// release made glibc grow and trim the heap every time: about half the append's CPU in a profile
    /// (issue 5). If anything fails, the caller rolls the whole transaction back, counters included.
    /// </remarks>
    public StoredMessage[] Append(IReadOnlyList<MessageToStore> batch, SqliteTransaction transaction)
    {
        _findDuplicate.Transaction = transaction;
        _readSeq.Transaction = transaction;
        _createConversation.Transaction = transaction;
        _writeSeq.Transaction = transaction;
        _insert.Transaction = transaction;
        _lastSeqs.Clear();

        var results = new StoredMessage[batch.Count];
        for (int i = 0; i < batch.Count; i++)
        {
            MessageToStore message = batch[i];

            // The lookup runs inside the batch's own transaction, so it also sees messages inserted
            // earlier in this batch: a retry that lands in the same batch as its original is a duplicate too.
            if (message.ClientMsgId.Length > 0 && FindDuplicate(message) is { } original)
            {
                results[i] = original;
                continue;
            }

            long seq = LastSeq(message.Conversation) + 1;
            Insert(message, seq);
            _lastSeqs[message.Conversation] = seq;
            results[i] = new StoredMessage(
                message.Conversation, (ulong)seq, message.MessageId, message.TimestampMs, message.SenderKey, message.SenderNick,
                message.Recipient, message.Text, message.Action, message.ClientMsgId);
        }

        foreach ((string conversation, long seq) in _lastSeqs)
        {
            _writeSeqConversation.Value = conversation;
            _writeSeqValue.Value = seq;
            _writeSeq.ExecuteNonQuery();
        }

        return results;
    }

    public void Dispose()
    {
        _findDuplicate.Dispose();
        _readSeq.Dispose();
        _createConversation.Dispose();
        _writeSeq.Dispose();
        _insert.Dispose();
    }

    private StoredMessage? FindDuplicate(MessageToStore message)
    {
        _findConversation.Value = message.Conversation;
        _findSenderKey.Value = message.SenderKey;
        _findClientMsgId.Value = message.ClientMsgId;
        using SqliteDataReader reader = _findDuplicate.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        return new StoredMessage(
            message.Conversation, (ulong)reader.GetInt64(0), DbValues.ToMessageId(reader.GetInt64(1)), reader.GetInt64(2),
            message.SenderKey, reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetInt64(6) != 0,
            message.ClientMsgId, Duplicate: true);
    }

    /// <summary>The last sequence number handed out in <paramref name="conversation"/>, in this batch or before it.</summary>
    private long LastSeq(string conversation)
    {
        if (_lastSeqs.TryGetValue(conversation, out long seq))
        {
            return seq;
        }

        _readSeqConversation.Value = conversation;
        if (_readSeq.ExecuteScalar() is long stored)
        {
            return _lastSeqs[conversation] = stored;
        }

        _createConversationName.Value = conversation;
        _createConversation.ExecuteNonQuery();
        return _lastSeqs[conversation] = 0;
    }

    private void Insert(MessageToStore message, long seq)
    {
        _insertConversation.Value = message.Conversation;
        _insertSeq.Value = seq;
        _insertMessageId.Value = DbValues.FromMessageId(message.MessageId);
        _insertTimestamp.Value = message.TimestampMs;
        _insertSenderKey.Value = message.SenderKey;
        _insertSenderNick.Value = message.SenderNick;
        _insertRecipient.Value = message.Recipient;
        _insertText.Value = message.Text;
        _insertAction.Value = message.Action ? 1L : 0L;
        _insertClientMsgId.Value = message.ClientMsgId;
        _insert.ExecuteNonQuery();
    }

    private static SqliteCommand Create(SqliteConnection connection, string sql)
    {
        SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }
}
