using Microsoft.Data.Sqlite;

namespace Parley.Storage.Sqlite;

/// <summary>The two ways in: a write transaction on the writer connection, a read on a pooled connection.</summary>
public sealed partial class SqliteChatStore
{
    /// <summary>
    /// Runs <paramref name="work"/> in one IMMEDIATE transaction on the write connection and commits it:
    /// one durable commit (one fsync with <see cref="SqliteStoreOptions.FullSync"/>) for everything it does.
    /// On failure nothing of it stays.
    /// </summary>
    private T InWriteTransaction<T>(Func<SqliteConnection, SqliteTransaction, T> work)
    {
        lock (_writeLock)
        {
            SqliteConnection writer = Writer();
            SqliteTransaction? transaction = null;
            try
            {
                // IMMEDIATE takes the write lock up front, so a reader-turned-writer can't deadlock into SQLITE_BUSY.
                transaction = writer.BeginTransaction(deferred: false);
                T result = work(writer, transaction);
                transaction.Commit();
                return result;
            }
            catch (SqliteException ex) when (SqliteErrors.IsUnavailable(ex))
            {
                RollBack(transaction);
                throw SqliteErrors.ToUnavailable(ex);
            }
            catch
            {
                RollBack(transaction);
                throw;
            }
            finally
            {
                transaction?.Dispose();
            }
        }
    }

    /// <remarks>
    /// SQLite may already have rolled back by itself (it does on SQLITE_FULL and some I/O errors;
    /// https://www.sqlite.org/lang_transaction.html#response_to_errors_within_a_transaction), which
    /// Microsoft.Data.Sqlite notices. If the rollback itself fails, the connection's state is unknown:
    /// close it (closing rolls back whatever is open) and let the next write open a fresh one.
    /// </remarks>
    private void RollBack(SqliteTransaction? transaction)
    {
        if (transaction?.Connection is null)
        {
            return;
        }

        try
        {
            transaction.Rollback();
        }
        catch (SqliteException)
        {
            try
            {
                CloseWriter();
            }
            catch (SqliteException)
            {
                // Closing retries the rollback and may fail the same way; the writer is dropped regardless.
            }
        }
        catch (InvalidOperationException)
        {
            // Already completed (committed or rolled back): nothing to undo.
        }
    }

    /// <summary>Every row <paramref name="command"/> returns, each made by <paramref name="row"/>, in order.</summary>
    private static List<T> Rows<T>(SqliteCommand command, Func<SqliteDataReader, T> row)
    {
        var rows = new List<T>();
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            rows.Add(row(reader));
        }

        return rows;
    }

    /// <summary>Runs <paramref name="read"/> on a pooled read-only connection (a consistent snapshot per statement).</summary>
    private T OnReader<T>(Func<SqliteConnection, T> read)
    {
        ThrowIfNotOpen();
        SqliteConnection? connection = null;
        bool healthy = false;
        try
        {
            connection = _readers.Rent();
            T result = read(connection);
            healthy = true;
            return result;
        }
        catch (SqliteException ex) when (SqliteErrors.IsUnavailable(ex))
        {
            throw SqliteErrors.ToUnavailable(ex);
        }
        finally
        {
            if (connection is not null)
            {
                _readers.Return(connection, healthy);
            }
        }
    }
}
