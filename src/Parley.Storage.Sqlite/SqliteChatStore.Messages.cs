using Microsoft.Data.Sqlite;
using Parley.Server.Storage;

namespace Parley.Storage.Sqlite;

/// <summary>Messages: the group-commit append, history pages, retention, export.</summary>
public sealed partial class SqliteChatStore
{
    private const string ReadForwardSql =
        $"SELECT {DbValues.MessageColumns} FROM messages WHERE conversation = $conversation AND seq > $seq ORDER BY seq LIMIT $limit";

    // Newest first, so LIMIT keeps the newest; the page is reversed to oldest first in memory.
    private const string ReadBackwardSql =
        $"SELECT {DbValues.MessageColumns} FROM messages WHERE conversation = $conversation AND seq < $seq ORDER BY seq DESC LIMIT $limit";

    private const string ReadAllSql =
        $"SELECT {DbValues.MessageColumns} FROM messages WHERE conversation = $conversation ORDER BY seq";

    private const string DeleteOlderThanSql =
        "DELETE FROM messages WHERE conversation = $conversation AND ts_ms < $cutoff";

    // Everything at or below the (keep + 1)-th newest; no row there (fewer than keep + 1 messages) deletes nothing.
    private const string DeleteBeyondCountSql = """
        DELETE FROM messages WHERE conversation = $conversation AND seq <= (
            SELECT seq FROM messages WHERE conversation = $conversation ORDER BY seq DESC LIMIT 1 OFFSET $keep)
        """;

    /// <inheritdoc />
    /// <remarks>One IMMEDIATE transaction and one commit for the whole batch; see <see cref="AppendCommands"/>.</remarks>
    public IReadOnlyList<StoredMessage> AppendBatch(IReadOnlyList<MessageToStore> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ThrowIfNotOpen();
        if (batch.Count == 0)
        {
            return [];
        }

        return InWriteTransaction((_, transaction) => _append!.Append(batch, transaction));
    }

    public ulong LastSeq(string conversation) => OnReader(connection =>
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT last_seq FROM conversations WHERE conversation = $conversation";
        command.Parameters.AddWithValue("$conversation", conversation);
        return command.ExecuteScalar() is long seq ? (ulong)seq : 0UL;
    });

    public IReadOnlyList<StoredMessage> Read(string conversation, ulong seq, int limit, bool forward)
    {
        if (limit <= 0 || (forward && seq >= long.MaxValue) || (!forward && seq == 0))
        {
            ThrowIfNotOpen();
            return [];
        }

        return OnReader(connection =>
        {
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = forward ? ReadForwardSql : ReadBackwardSql;
            command.Parameters.AddWithValue("$conversation", conversation);
            command.Parameters.AddWithValue("$seq", DbValues.SeqBound(seq));
            command.Parameters.AddWithValue("$limit", limit);
            var page = new List<StoredMessage>(Math.Min(limit, 256));
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                page.Add(DbValues.ReadMessage(reader));
            }

            if (!forward)
            {
                page.Reverse();
            }

            return page;
        });
    }

    /// <inheritdoc />
    /// <remarks>
    /// Rows are read as the caller enumerates, on one pooled connection held until the enumeration ends,
    /// from one snapshot: messages committed meanwhile are not included. A long export keeps the WAL
    /// from being checkpointed past that snapshot until it is done.
    /// </remarks>
    public IEnumerable<StoredMessage> ReadAll(string conversation)
    {
        ThrowIfNotOpen();
        return ReadAllRows(conversation);
    }

    public int ApplyRetention(string conversation, TimeSpan? maxAge, int? maxCount, long nowMs)
    {
        if (maxAge is { } age)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(age, TimeSpan.Zero, nameof(maxAge));
        }

        if (maxCount is { } count)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(count, nameof(maxCount));
        }

        ThrowIfNotOpen();
        if (maxAge is null && maxCount is null)
        {
            return 0;
        }

        // conversations.last_seq is left alone on purpose: the next message still gets last_seq + 1.
        return InWriteTransaction((connection, transaction) =>
        {
            int deleted = 0;
            using SqliteCommand command = connection.CreateCommand();
            command.Transaction = transaction;
            command.Parameters.AddWithValue("$conversation", conversation);
            if (maxAge is { } maxAgeValue)
            {
                command.CommandText = DeleteOlderThanSql;
                command.Parameters.AddWithValue("$cutoff", nowMs - (long)maxAgeValue.TotalMilliseconds);
                deleted += command.ExecuteNonQuery();
            }

            if (maxCount is { } keep)
            {
                command.CommandText = DeleteBeyondCountSql;
                command.Parameters.AddWithValue("$keep", keep);
                deleted += command.ExecuteNonQuery();
            }

            return deleted;
        });
    }

    private IEnumerable<StoredMessage> ReadAllRows(string conversation)
    {
        SqliteConnection? connection = null;
        bool healthy = true;
        try
        {
            connection = RentReaderForStream(ref healthy);
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = ReadAllSql;
            command.Parameters.AddWithValue("$conversation", conversation);
            using SqliteDataReader reader = ExecuteForStream(command, ref healthy);
            while (NextForStream(reader, ref healthy) is { } message)
            {
                yield return message;
            }
        }
        finally
        {
            if (connection is not null)
            {
                // An export abandoned half-way left the connection sound; one that failed may not have.
                _readers.Return(connection, healthy);
            }
        }
    }

    // Iterators can't catch around a yield, so the steps that may fail are small methods that map the error.
    private SqliteConnection RentReaderForStream(ref bool healthy)
    {
        try
        {
            return _readers.Rent();
        }
        catch (SqliteException ex) when (SqliteErrors.IsUnavailable(ex))
        {
            healthy = false;
            throw SqliteErrors.ToUnavailable(ex);
        }
    }

    private static SqliteDataReader ExecuteForStream(SqliteCommand command, ref bool healthy)
    {
        try
        {
            return command.ExecuteReader();
        }
        catch (SqliteException ex)
        {
            healthy = false;
            if (SqliteErrors.IsUnavailable(ex))
            {
                throw SqliteErrors.ToUnavailable(ex);
            }

            throw;
        }
    }

    private static StoredMessage? NextForStream(SqliteDataReader reader, ref bool healthy)
    {
        try
        {
            return reader.Read() ? DbValues.ReadMessage(reader) : null;
        }
        catch (SqliteException ex)
        {
            healthy = false;
            if (SqliteErrors.IsUnavailable(ex))
            {
                throw SqliteErrors.ToUnavailable(ex);
            }

            throw;
        }
    }
}
