using Microsoft.Data.Sqlite;

namespace Parley.Storage.Sqlite;

/// <summary>
/// Open read-only connections for concurrent readers. In WAL mode each reader sees the last commit
/// made before its statement started and neither blocks nor is blocked by the writer
/// (https://www.sqlite.org/wal.html#concurrency), so a history page never waits for a group commit.
/// </summary>
/// <remarks>
/// Our own small pool rather than Microsoft.Data.Sqlite's: a connection here is configured once
/// (busy timeout) when it is opened, and the pool is emptied for sure when the store is disposed, so
/// the database file is closed when <see cref="SqliteChatStore.Dispose"/> returns.
/// </remarks>
internal sealed class ReaderPool(Func<SqliteConnection> open, int maxIdle) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Stack<SqliteConnection> _idle = new();
    private bool _disposed;

    public SqliteConnection Rent()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_idle.TryPop(out SqliteConnection? connection))
            {
                return connection;
            }
        }

        return open();
    }

    /// <summary>Gives a connection back; <paramref name="healthy"/> false (it failed) closes it instead.</summary>
    public void Return(SqliteConnection connection, bool healthy)
    {
        lock (_gate)
        {
            if (healthy && !_disposed && _idle.Count < maxIdle)
            {
                _idle.Push(connection);
                return;
            }
        }

        connection.Dispose();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            while (_idle.TryPop(out SqliteConnection? connection))
            {
                connection.Dispose();
            }
        }
    }
}
