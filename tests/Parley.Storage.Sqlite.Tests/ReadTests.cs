using Parley.Server.Storage;

namespace Parley.Storage.Sqlite.Tests;

public sealed class ReadTests : IDisposable
{
    private readonly TestDatabase _db = new();
    private readonly SqliteChatStore _store;

    public ReadTests()
    {
        _store = _db.Open();
        _store.AppendBatch(Msg.Many("#general", 5));
        _store.AppendBatch(Msg.Many("#other", 3));
    }

    public void Dispose() => _db.Dispose();

    [Fact]
    public void Forward_pages_go_oldest_first_after_the_given_seq()
    {
        Assert.Equal([1UL, 2UL], _store.Read("#general", 0, 2, forward: true).Seqs());
        Assert.Equal([3UL, 4UL], _store.Read("#general", 2, 2, forward: true).Seqs());
        Assert.Equal([5UL], _store.Read("#general", 4, 2, forward: true).Seqs());
        Assert.Empty(_store.Read("#general", 5, 2, forward: true));
        Assert.Empty(_store.Read("#general", ulong.MaxValue, 2, forward: true));
    }

    [Fact]
    public void Backward_pages_are_the_newest_before_the_given_seq_returned_oldest_first()
    {
        Assert.Equal([4UL, 5UL], _store.Read("#general", ulong.MaxValue, 2, forward: false).Seqs());
        Assert.Equal([2UL, 3UL], _store.Read("#general", 4, 2, forward: false).Seqs());
        Assert.Equal([1UL], _store.Read("#general", 2, 2, forward: false).Seqs());
        Assert.Empty(_store.Read("#general", 1, 2, forward: false));
        Assert.Empty(_store.Read("#general", 0, 2, forward: false));
    }

    [Fact]
    public void A_limit_larger_than_the_history_returns_all_of_it()
    {
        Assert.Equal([1UL, 2UL, 3UL, 4UL, 5UL], _store.Read("#general", 0, int.MaxValue, forward: true).Seqs());
        Assert.Equal([1UL, 2UL, 3UL, 4UL, 5UL], _store.Read("#general", ulong.MaxValue, 1000, forward: false).Seqs());
    }

    [Fact]
    public void A_limit_of_zero_or_less_returns_nothing()
    {
        Assert.Empty(_store.Read("#general", 0, 0, forward: true));
        Assert.Empty(_store.Read("#general", ulong.MaxValue, -1, forward: false));
    }

    [Fact]
    public void Reads_stay_within_their_conversation()
    {
        Assert.All(_store.Read("#other", 0, 100, forward: true), m => Assert.Equal("#other", m.Conversation));
        Assert.Equal(3, _store.Read("#other", ulong.MaxValue, 100, forward: false).Count);
        Assert.Empty(_store.Read("#unknown", 0, 100, forward: true));
    }

    [Fact]
    public void Every_field_round_trips_including_unsigned_ids_above_the_signed_range()
    {
        var message = new MessageToStore(
            "@alice,bob", "alice", "Alice", "bob", "héllo 👋 \"quoted\" 'single' ; DROP TABLE messages; --", Action: true,
            "client-✓", MessageId: ulong.MaxValue - 1, TimestampMs: -5);
        var big = new MessageToStore("#general", "bob", "Bob", "", new string('x', 16 * 1024), Action: false, "", MessageId: 1UL << 63, TimestampMs: 42);

        IReadOnlyList<StoredMessage> stored = _store.AppendBatch([message, big]);

        StoredMessage dm = Assert.Single(_store.Read("@alice,bob", 0, 10, forward: true));
        Assert.Equal(stored[0], dm);
        Assert.Equal(new StoredMessage("@alice,bob", 1, ulong.MaxValue - 1, -5, "alice", "Alice", "bob", message.Text, true, "client-✓"), dm);
        StoredMessage read = _store.Read("#general", 5, 10, forward: true)[0];
        Assert.Equal(stored[1], read);
        Assert.Equal(1UL << 63, read.MessageId);
    }

    [Fact]
    public void ReadAll_streams_the_whole_conversation_oldest_first()
    {
        _store.AppendBatch(Msg.Many("#general", 995));

        ulong expected = 1;
        foreach (StoredMessage message in _store.ReadAll("#general"))
        {
            Assert.Equal(expected++, message.Seq);
        }

        Assert.Equal(1001UL, expected);
        Assert.Empty(_store.ReadAll("#unknown"));
    }

    [Fact]
    public void ReadAll_reads_one_snapshot_and_does_not_block_the_writer()
    {
        using IEnumerator<StoredMessage> export = _store.ReadAll("#general").GetEnumerator();
        Assert.True(export.MoveNext());

        // The export holds a read transaction open; in WAL mode the writer commits regardless.
        _store.AppendBatch(Msg.Many("#general", 10));

        int rest = 0;
        while (export.MoveNext())
        {
            rest++;
        }

        Assert.Equal(4, rest);
        Assert.Equal(15UL, _store.LastSeq("#general"));
    }

    [Fact]
    public void An_export_abandoned_half_way_gives_its_connection_back()
    {
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(2, _store.ReadAll("#general").Take(2).Count());
        }

        _store.Dispose();

        // Every connection closed: the last close checkpoints the WAL and deletes it.
        Assert.False(File.Exists(_db.FilePath + "-wal"));
    }
}
