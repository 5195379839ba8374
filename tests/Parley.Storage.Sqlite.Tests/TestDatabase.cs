using Microsoft.Data.Sqlite;
using Parley.Server.Storage;

namespace Parley.Storage.Sqlite.Tests;

/// <summary>A database file in its own temporary directory; stores opened through it are disposed and the directory deleted with it.</summary>
internal sealed class TestDatabase : IDisposable
{
    private readonly List<SqliteChatStore> _stores = [];

    public TestDatabase()
    {
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "parley-sqlite-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public string FilePath => System.IO.Path.Combine(Directory, SqliteChatStore.FileName);

    /// <summary>A new store on the file, opened.</summary>
    public SqliteChatStore Open(SqliteStoreOptions? options = null)
    {
        var store = new SqliteChatStore(FilePath, options);
        _stores.Add(store);
        store.Open();
        return store;
    }

    /// <summary>Disposes a store and opens a new one on the same file: what a server restart does.</summary>
    public SqliteChatStore Reopen(SqliteChatStore store, SqliteStoreOptions? options = null)
    {
        store.Dispose();
        return Open(options);
    }

    /// <summary>A plain connection to the file, outside the store, for looking at what it wrote.</summary>
    public SqliteConnection RawConnection()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = FilePath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public object? RawScalar(string sql)
    {
        using SqliteConnection connection = RawConnection();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public void Dispose()
    {
        foreach (SqliteChatStore store in _stores)
        {
            store.Dispose();
        }

        System.IO.Directory.Delete(Directory, recursive: true);
    }
}

/// <summary>Messages to store, with defaults for what a test doesn't care about.</summary>
internal static class Msg
{
    private static long s_nextId = 1000;

    public static MessageToStore Say(string conversation, string sender, string text = "hello", string clientMsgId = "", long timestampMs = 1_700_000_000_000) =>
        new(conversation, sender, sender.ToUpperInvariant(), Recipient: "", text, Action: false, clientMsgId,
            (ulong)Interlocked.Increment(ref s_nextId), timestampMs);

    public static MessageToStore Direct(string sender, string recipient, string text = "psst", string clientMsgId = "") =>
        new(IChatStore.DirectConversation(sender, recipient), sender, sender, recipient, text, Action: false, clientMsgId,
            (ulong)Interlocked.Increment(ref s_nextId), 1_700_000_000_000);

    public static MessageToStore[] Many(string conversation, int count, string sender = "alice") =>
        [.. Enumerable.Range(1, count).Select(i => Say(conversation, sender, $"message {i}"))];

    public static ulong[] Seqs(this IEnumerable<StoredMessage> messages) => [.. messages.Select(m => m.Seq)];
}
