using System.Globalization;
using Microsoft.Data.Sqlite;
using Parley.Server.Storage;

namespace Parley.Storage.Sqlite.Tests;

/// <summary>
/// The store refusing writes. Tests run as root, which ignores file permissions, so a chmod'ed file
/// would not fail; these make SQLite itself refuse: a read-only open, <c>query_only</c>, and
/// <c>max_page_count</c> for a full disk (SQLite then answers SQLITE_FULL exactly as for a full disk).
/// </summary>
public sealed class FailureTests : IDisposable
{
    private const int SqliteBusy = 5;
    private const int SqliteReadOnly = 8;
    private const int SqliteFull = 13;

    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public void A_read_only_database_refuses_writes_and_stores_nothing()
    {
        SqliteChatStore store = _db.Open();
        store.AppendBatch(Msg.Many("#general", 2));
        store.SaveRoom(new RoomRecord("#general", "General", "", "", 1));
        store.Dispose();

        SqliteChatStore readOnly = _db.Open(new SqliteStoreOptions { ReadOnly = true });
        Assert.Equal(2UL, readOnly.LastSeq("#general"));
        Assert.Equal(2, readOnly.ReadAll("#general").Count());

        StoreUnavailableException refused = Assert.Throws<StoreUnavailableException>(
            () => readOnly.AppendBatch([Msg.Say("#general", "bob"), Msg.Say("#new", "bob")]));
        Assert.Equal(SqliteReadOnly, Assert.IsType<SqliteException>(refused.InnerException).SqliteErrorCode);
        Assert.Equal("the database is read-only", refused.Message);
        Assert.Throws<StoreUnavailableException>(() => readOnly.SaveRoom(new RoomRecord("#new", "New", "", "", 2)));
        Assert.Throws<StoreUnavailableException>(() => readOnly.SetReadMarker("bob", "#general", 2));
        Assert.Throws<StoreUnavailableException>(() => readOnly.ApplyRetention("#general", null, 0, 0));

        store = _db.Reopen(readOnly);
        Assert.Equal(2UL, store.LastSeq("#general"));
        Assert.Equal(0UL, store.LastSeq("#new"));
        Assert.Single(store.LoadRooms());
        Assert.Equal(0UL, store.GetReadMarker("bob", "#general"));
        Assert.Equal([3UL], store.AppendBatch(Msg.Many("#general", 1)).Seqs());
    }

    [Fact]
    public void A_write_connection_gone_query_only_refuses_the_batch_and_recovers_when_writable_again()
    {
        SqliteChatStore store = _db.Open();
        store.AppendBatch(Msg.Many("#general", 2));
        store.ExecuteOnWriter("PRAGMA query_only = ON");

        Assert.Throws<StoreUnavailableException>(() => store.AppendBatch([Msg.Say("#general", "bob", clientMsgId: "c-1"), Msg.Say("#other", "bob")]));
        Assert.Equal(2UL, store.LastSeq("#general"));
        Assert.Equal(0UL, store.LastSeq("#other"));

        store.ExecuteOnWriter("PRAGMA query_only = OFF");
        StoredMessage stored = store.AppendBatch([Msg.Say("#general", "bob", clientMsgId: "c-1")])[0];
        Assert.Equal(3UL, stored.Seq);
        Assert.False(stored.Duplicate);
    }

    [Fact]
    public void A_full_disk_refuses_the_whole_batch_and_the_store_works_again_once_there_is_room()
    {
        SqliteChatStore store = _db.Open();
        store.AppendBatch(Msg.Many("#general", 3));
        long pages = (long)store.ExecuteOnWriter("PRAGMA page_count")!;

        // The database may not grow by a single page from here on.
        Assert.Equal(pages, store.ExecuteOnWriter(string.Create(CultureInfo.InvariantCulture, $"PRAGMA max_page_count = {pages}")));

        // Small messages still fit in the pages there are; the large ones after the first in the batch don't,
        // so the batch fails part-way, after it has written something.
        Assert.Equal([4UL], store.AppendBatch([Msg.Say("#general", "bob", "fits")]).Seqs());
        MessageToStore[] batch =
        [
            Msg.Say("#general", "bob", "short", "c-small"),
            .. Enumerable.Range(0, 40).Select(i => Msg.Say(i % 2 == 0 ? "#general" : "#new", "bob", new string('x', 4000), $"c-{i}")),
        ];
        StoreUnavailableException refused = Assert.Throws<StoreUnavailableException>(() => store.AppendBatch(batch));

        Assert.Equal(SqliteFull, Assert.IsType<SqliteException>(refused.InnerException).SqliteErrorCode);
        Assert.Equal("the server's disk is full", refused.Message);
        Assert.Equal(4UL, store.LastSeq("#general"));
        Assert.Equal(0UL, store.LastSeq("#new"));
        Assert.Equal([1UL, 2UL, 3UL, 4UL], store.Read("#general", 0, 100, forward: true).Seqs());
        Assert.Equal("ok", store.IntegrityCheck());

        // Rolled back cleanly on the same connection (a failed rollback would have replaced it, and with it the limit).
        Assert.Equal(pages, store.ExecuteOnWriter("PRAGMA max_page_count"));
        Assert.Throws<StoreUnavailableException>(() => store.AppendBatch(batch));

        store.ExecuteOnWriter("PRAGMA max_page_count = 1073741823");
        IReadOnlyList<StoredMessage> stored = store.AppendBatch(batch);

        // Nothing of the refused batch was kept: no duplicates, no gap in the seqs.
        Assert.DoesNotContain(stored, m => m.Duplicate);
        Assert.Equal([5UL, 6UL], stored.Take(2).Seqs());
        Assert.Equal(1UL, stored[2].Seq);
        Assert.Equal(4UL + 21, store.LastSeq("#general"));
        Assert.Equal(20UL, store.LastSeq("#new"));
        Assert.Equal("ok", store.IntegrityCheck());
    }

    [Fact]
    public void A_write_lock_held_elsewhere_past_the_busy_timeout_refuses_the_batch()
    {
        SqliteChatStore store = _db.Open(new SqliteStoreOptions { BusyTimeout = TimeSpan.FromMilliseconds(100) });
        store.AppendBatch(Msg.Many("#general", 1));

        using (SqliteConnection other = _db.RawConnection())
        using (SqliteTransaction adminWrite = other.BeginTransaction(deferred: false))
        {
            StoreUnavailableException refused = Assert.Throws<StoreUnavailableException>(() => store.AppendBatch(Msg.Many("#general", 2)));
            Assert.Equal(SqliteBusy, Assert.IsType<SqliteException>(refused.InnerException).SqliteErrorCode);

            // Readers are not held up by the other writer (WAL).
            Assert.Equal(1UL, store.LastSeq("#general"));
            adminWrite.Rollback();
        }

        Assert.Equal([2UL, 3UL], store.AppendBatch(Msg.Many("#general", 2)).Seqs());
    }

    [Fact]
    public void Opening_a_missing_database_read_only_is_refused()
    {
        var store = new SqliteChatStore(_db.FilePath, new SqliteStoreOptions { ReadOnly = true });

        StoreUnavailableException refused = Assert.Throws<StoreUnavailableException>(store.Open);
        store.Dispose();

        Assert.Contains(_db.FilePath, refused.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_db.FilePath));
    }

    [Fact]
    public void A_file_that_is_not_a_database_is_refused()
    {
        File.WriteAllText(_db.FilePath, new string('!', 8192));
        var store = new SqliteChatStore(_db.FilePath);

        StoreUnavailableException refused = Assert.Throws<StoreUnavailableException>(store.Open);
        store.Dispose();

        Assert.Contains("corrupt", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sound_database_passes_the_integrity_check()
    {
        SqliteChatStore store = _db.Open();
        store.AppendBatch(Msg.Many("#general", 50));
        store.ApplyRetention("#general", null, 10, 0);

        Assert.Equal("ok", store.IntegrityCheck());
    }
}
