namespace Parley.Storage.Sqlite;

/// <summary>How <see cref="SqliteChatStore"/> opens its database.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>
    /// <c>true</c> (the default): <c>PRAGMA synchronous=FULL</c>. Every commit is on disk before
    /// <see cref="SqliteChatStore.AppendBatch"/> returns, so an acknowledged message survives a power loss.
    /// </summary>
    /// <remarks>
    /// <c>false</c>: <c>PRAGMA synchronous=NORMAL</c>. In WAL mode SQLite then syncs only at checkpoints:
    /// commits are much cheaper, a crash of the process loses nothing, and the database stays consistent,
    /// but a power loss or OS crash can roll back the last commits, messages already acknowledged and
    /// delivered (https://www.sqlite.org/pragma.html#pragma_synchronous). An operator's choice.
    /// </remarks>
    public bool FullSync { get; init; } = true;

    /// <summary>
    /// How long a statement waits for a lock held by another connection (another process, such as an
    /// admin tool, holding the write lock) before the write is refused with
    /// <see cref="Parley.Server.Storage.StoreUnavailableException"/>. Default 5 seconds.
    /// </summary>
    /// <remarks>
    /// Microsoft.Data.Sqlite also retries a busy statement up to its command timeout, which counts whole
    /// seconds; that is set from this value rounded up, so the shortest effective wait is about one second.
    /// </remarks>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Opens the database for reading only (exports, inspection): every write throws
    /// <see cref="Parley.Server.Storage.StoreUnavailableException"/>. Migrations are not applied, so a
    /// database that is missing or older than this code is refused. Default <c>false</c>.
    /// </summary>
    public bool ReadOnly { get; init; }
}
