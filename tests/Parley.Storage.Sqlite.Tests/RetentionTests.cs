namespace Parley.Storage.Sqlite.Tests;

public sealed class RetentionTests : IDisposable
{
    private readonly TestDatabase _db = new();
    private readonly SqliteChatStore _store;

    public RetentionTests()
    {
        _store = _db.Open();

        // #general: seqs 1..10 at t = 1000, 2000, ... 10000.
        _store.AppendBatch([.. Enumerable.Range(1, 10).Select(i => Msg.Say("#general", "alice", $"m{i}", timestampMs: i * 1000))]);
        _store.AppendBatch(Msg.Many("#other", 4));
    }

    public void Dispose() => _db.Dispose();

    [Fact]
    public void Retention_by_count_keeps_the_newest()
    {
        Assert.Equal(7, _store.ApplyRetention("#general", maxAge: null, maxCount: 3, nowMs: 10_000));

        Assert.Equal([8UL, 9UL, 10UL], _store.Read("#general", 0, 100, forward: true).Seqs());
        Assert.Equal(0, _store.ApplyRetention("#general", maxAge: null, maxCount: 3, nowMs: 10_000));
        Assert.Equal(0, _store.ApplyRetention("#general", maxAge: null, maxCount: 50, nowMs: 10_000));
    }

    [Fact]
    public void Retention_by_age_deletes_what_is_older_than_the_cutoff()
    {
        Assert.Equal(4, _store.ApplyRetention("#general", TimeSpan.FromSeconds(5), maxCount: null, nowMs: 10_000));

        Assert.Equal([5UL, 6UL, 7UL, 8UL, 9UL, 10UL], _store.Read("#general", 0, 100, forward: true).Seqs());
    }

    [Fact]
    public void Retention_by_age_and_count_applies_both()
    {
        Assert.Equal(8, _store.ApplyRetention("#general", TimeSpan.FromSeconds(5), maxCount: 2, nowMs: 10_000));

        Assert.Equal([9UL, 10UL], _store.Read("#general", 0, 100, forward: true).Seqs());
    }

    [Fact]
    public void Retention_leaves_other_conversations_and_last_seq_alone()
    {
        _store.ApplyRetention("#general", TimeSpan.Zero, maxCount: 0, nowMs: long.MaxValue / 2);

        Assert.Empty(_store.Read("#general", 0, 100, forward: true));
        Assert.Equal(10UL, _store.LastSeq("#general"));
        Assert.Equal(4, _store.Read("#other", 0, 100, forward: true).Count);
    }

    [Fact]
    public void No_limits_delete_nothing()
    {
        Assert.Equal(0, _store.ApplyRetention("#general", maxAge: null, maxCount: null, nowMs: 10_000));
        Assert.Equal(0, _store.ApplyRetention("#unknown", TimeSpan.Zero, maxCount: 0, nowMs: 10_000));
        Assert.Equal(10, _store.Read("#general", 0, 100, forward: true).Count);
    }

    [Fact]
    public void Negative_limits_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _store.ApplyRetention("#general", null, -1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => _store.ApplyRetention("#general", TimeSpan.FromSeconds(-1), null, 0));
    }
}
