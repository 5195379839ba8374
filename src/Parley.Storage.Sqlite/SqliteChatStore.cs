using System.Globalization;
using Microsoft.Data.Sqlite;
using Parley.Server.Storage;
using Parley.Storage.Sqlite.Migrations;

namespace Parley.Storage.Sqlite;

/// <summary>
/// <see cref="IChatStore"/> over one SQLite file in WAL mode: one dedicated connection for the single
/// writer (the group committer, plus the occasional topic or read marker), and pooled read-only
/// connections for any number of concurrent readers.
/// </summary>
/// <remarks>
/// Writes are serialised on an internal lock as well as by the caller, so a stray write from another
/// thread can't interleave with a batch on the shared connection. Failures that mean the store can't
/// take writes (disk full, read-only, I/O error, corruption, can't open) surface as
/// <see cref="StoreUnavailableException"/> after the transaction has been rolled back.
/// </remarks>
public sealed partial class SqliteChatStore : IChatStore
{
    /// <summary>The database's file name inside the server's data directory.</summary>
    public const string FileName = "parley.db";

    // A server has a handful of concurrent history readers at most; more open connections only cost memory.
    private const int MaxIdleReaders = 4;

    private readonly SqliteStoreOptions _options;
    private readonly Lock _writeLock = new();
    private readonly ReaderPool _readers;
    private SqliteConnection? _writer;
    private AppendCommands? _append;
    private bool _opened;
    private bool _disposed;

    /// <param name="databasePath">The database file; created by <see cref="Open"/> if missing (its directory must exist).</param>
    /// <param name="options">Durability and access mode; the defaults when null.</param>
    public SqliteChatStore(string databasePath, SqliteStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        DatabasePath = Path.GetFullPath(databasePath);
        _options = options ?? new SqliteStoreOptions();
        _readers = new ReaderPool(OpenReader, MaxIdleReaders);
    }

    /// <summary>The store in <c><paramref name="dataDirectory"/>/parley.db</c>.</summary>
    public static SqliteChatStore InDataDirectory(string dataDirectory, SqliteStoreOptions? options = null) =>
        new(Path.Combine(dataDirectory, FileName), options);

    /// <summary>The database file's full path.</summary>
    public string DatabasePath { get; }

    /// <summary>The schema version this code creates and reads (<c>PRAGMA user_version</c>).</summary>
    public static int SchemaVersion => SchemaMigrations.LatestVersion;

    /// <inheritdoc />
    /// <exception cref="UnsupportedSchemaVersionException">The file was written by a newer Parley (or, read-only, needs migrating).</exception>
    /// <exception cref="StoreUnavailableException">The file can't be opened, or is not a database.</exception>
    public void Open()
    {
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_opened)
            {
                throw new InvalidOperationException("The store is already open.");
            }

            OpenWriter(migrate: true);
            _opened = true;
        }
    }

    public void Dispose()
    {
        lock (_writeLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;

            // Readers first: the last connection to close checkpoints the WAL into the database and deletes
            // it, and only a read-write connection can. Closed in the other order the -wal file stays behind.
            _readers.Dispose();
            if (_writer is not null && !_options.ReadOnly)
            {
                try
                {
                    // Recommended before closing a long-lived connection (https://www.sqlite.org/lang_analyze.html#pragma_optimize);
                    // best effort: a store that is failing must still close.
                    using SqliteCommand optimize = _writer.CreateCommand();
                    optimize.CommandText = "PRAGMA optimize;";
                    optimize.ExecuteNonQuery();
                }
                catch (SqliteException)
                {
                }
            }

            CloseWriter();
        }
    }

    /// <summary>For tests: runs a statement (a pragma such as <c>max_page_count</c>) on the write connection.</summary>
    internal object? ExecuteOnWriter(string sql)
    {
        lock (_writeLock)
        {
            using SqliteCommand command = Writer().CreateCommand();
            command.CommandText = sql;
            return command.ExecuteScalar();
        }
    }

    private void OpenWriter(bool migrate)
    {
        var writer = new SqliteConnection(ConnectionString(_options.ReadOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate));
        try
        {
            writer.Open();
            ConfigureWriter(writer);

            // migrate is false when reopening after a failed rollback: the schema was settled at Open().
            if (migrate && _options.ReadOnly)
            {
                SchemaMigrations.RequireLatest(writer, DatabasePath);
            }
            else if (migrate)
            {
                SchemaMigrations.Apply(writer, DatabasePath);
            }

            _append = new AppendCommands(writer);
            _writer = writer;
        }
        catch (SqliteException ex) when (SqliteErrors.IsUnavailable(ex))
        {
            writer.Dispose();

            // The path is for the operator starting the server; a reopen mid-run fails a client's message, which must not see it.
            throw migrate ? SqliteErrors.ToUnavailable(ex, DatabasePath) : SqliteErrors.ToUnavailable(ex);
        }
        catch
        {
            writer.Dispose();
            throw;
        }
    }

    private void ConfigureWriter(SqliteConnection writer)
    {
        Pragma(writer, "busy_timeout", BusyTimeoutMs());
        if (!_options.ReadOnly)
        {
            // Persistent in the file; needs to run outside a transaction, hence here and not in 001_initial.sql.
            string mode = Pragma(writer, "journal_mode", "WAL");
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new StoreUnavailableException(
                    $"{DatabasePath}: SQLite could not switch to WAL mode (journal_mode is '{mode}'); the file system may not support it (a network share?).");
            }
        }

        Pragma(writer, "synchronous", _options.FullSync ? "FULL" : "NORMAL");

        // macOS only (ignored elsewhere): plain fsync there doesn't flush the drive's cache, F_FULLFSYNC does.
        Pragma(writer, "fullfsync", _options.FullSync ? "ON" : "OFF");
        Pragma(writer, "foreign_keys", "ON");
    }

    private SqliteConnection OpenReader()
    {
        var reader = new SqliteConnection(ConnectionString(SqliteOpenMode.ReadOnly));
        try
        {
            reader.Open();
            Pragma(reader, "busy_timeout", BusyTimeoutMs());
            return reader;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    private string ConnectionString(SqliteOpenMode mode) => new SqliteConnectionStringBuilder
    {
        DataSource = DatabasePath,
        Mode = mode,
        Cache = SqliteCacheMode.Private,

        // Our connections are long-lived (the writer) or pooled by ReaderPool; a second, hidden pool
        // would keep the file open after Dispose.
        Pooling = false,

        // Microsoft.Data.Sqlite retries SQLITE_BUSY itself until the command timeout; keep that in step with
        // busy_timeout. Never 0, which ADO.NET reads as "wait forever".
        DefaultTimeout = Math.Max(1, (int)Math.Ceiling(_options.BusyTimeout.TotalSeconds)),
    }.ToString();

    private string BusyTimeoutMs() =>
        ((long)Math.Max(0, _options.BusyTimeout.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);

    /// <summary>Sets a pragma; the value is always one of our own constants or numbers, never input.</summary>
    private static string Pragma(SqliteConnection connection, string name, string value)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {name} = {value};";
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture) ?? "";
    }

    private SqliteConnection Writer()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_opened)
        {
            throw new InvalidOperationException("Call Open() before using the store.");
        }

        if (_writer is null)
        {
            OpenWriter(migrate: false);
        }

        return _writer!;
    }

    /// <summary>Drops the writer first, then disposes it: even if disposing throws, the next write opens a new one.</summary>
    private void CloseWriter()
    {
        AppendCommands? append = _append;
        SqliteConnection? writer = _writer;
        _append = null;
        _writer = null;
        append?.Dispose();
        writer?.Dispose();
    }

    private void ThrowIfNotOpen()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_opened)
        {
            throw new InvalidOperationException("Call Open() before using the store.");
        }
    }
}
