using Microsoft.Data.Sqlite;
using Parley.Server.Storage;

namespace Parley.Storage.Sqlite;

/// <summary>Sorts SQLite failures: the ones that mean "this store can't take writes now" become <see cref="StoreUnavailableException"/>.</summary>
internal static class SqliteErrors
{
    // Primary result codes, https://www.sqlite.org/rescode.html. Extended codes carry the primary one in the low byte.
    private const int Busy = 5;
    private const int ReadOnly = 8;
    private const int IoError = 10;
    private const int Corrupt = 11;
    private const int Full = 13;
    private const int CantOpen = 14;
    private const int NotADatabase = 26;

    public static bool IsUnavailable(SqliteException ex) => Reason(ex) is not null;

    /// <remarks>
    /// The message travels to the client whose message was refused (GroupCommitter → Error frame), so it
    /// names the condition and nothing about the host (no path); the SQLite details stay in the inner exception.
    /// </remarks>
    public static StoreUnavailableException ToUnavailable(SqliteException ex) =>
        new(Reason(ex) ?? "the database failed", ex);

    /// <summary>For the operator (opening the store): with the file's path.</summary>
    public static StoreUnavailableException ToUnavailable(SqliteException ex, string path) =>
        new($"{path}: {Reason(ex) ?? "the database failed"} ({ex.Message})", ex);

    private static string? Reason(SqliteException ex) => (ex.SqliteErrorCode & 0xFF) switch
    {
        Full => "the server's disk is full",
        ReadOnly => "the database is read-only",
        IoError => "the server's disk failed to read or write",
        Corrupt or NotADatabase => "the database is corrupt",
        CantOpen => "the database can't be opened",

        // Only another process (an admin tool) can hold the write lock past the busy timeout: our own writes are
        // serialised and WAL readers never block the writer. Nothing was stored, so it is the same "try later".
        Busy => "the database is locked by another process",
        _ => null,
    };
}
