using Parley.Server.Storage;

namespace Parley.Storage.Sqlite.Tests;

public sealed class SequenceTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public void Seqs_start_at_1_and_count_up_within_a_conversation()
    {
        SqliteChatStore store = _db.Open();

        IReadOnlyList<StoredMessage> first = store.AppendBatch(Msg.Many("#general", 2));
        IReadOnlyList<StoredMessage> second = store.AppendBatch([Msg.Say("#general", "bob")]);

        Assert.Equal([1UL, 2UL], first.Seqs());
        Assert.Equal([3UL], second.Seqs());
        Assert.Equal(3UL, store.LastSeq("#general"));
    }

    [Fact]
    public void Conversations_count_independently_even_within_one_batch()
    {
        SqliteChatStore store = _db.Open();

        IReadOnlyList<StoredMessage> stored = store.AppendBatch(
        [
            Msg.Say("#a", "alice"), Msg.Say("#b", "alice"), Msg.Say("#a", "bob"), Msg.Direct("alice", "bob"), Msg.Say("#b", "bob"), Msg.Say("#a", "carol"),
        ]);

        Assert.Equal([1UL, 1UL, 2UL, 1UL, 2UL, 3UL], stored.Seqs());
        Assert.Equal(3UL, store.LastSeq("#a"));
        Assert.Equal(2UL, store.LastSeq("#b"));
        Assert.Equal(1UL, store.LastSeq("@alice,bob"));
    }

    [Fact]
    public void A_duplicate_in_the_batch_takes_no_sequence_number_and_last_seq_is_the_batch_s_last()
    {
        SqliteChatStore store = _db.Open();
        store.AppendBatch(Msg.Many("#a", 2));

        IReadOnlyList<StoredMessage> stored = store.AppendBatch(
        [
            Msg.Say("#a", "bob", "one", "c1"), Msg.Say("#b", "bob"), Msg.Say("#a", "bob", "one again", "c1"), Msg.Say("#a", "bob", "two", "c2"),
        ]);

        Assert.Equal([3UL, 1UL, 3UL, 4UL], stored.Seqs());
        Assert.True(stored[2].Duplicate);
        Assert.Equal(4UL, store.LastSeq("#a"));
        Assert.Equal(1UL, store.LastSeq("#b"));
        Assert.Equal([5UL], store.AppendBatch([Msg.Say("#a", "carol")]).Seqs());
    }

    [Fact]
    public void Results_carry_what_was_stored_in_the_batch_order()
    {
        SqliteChatStore store = _db.Open();
        MessageToStore[] batch = [Msg.Say("#a", "alice", "one", "c1"), Msg.Say("#b", "bob", "two")];

        IReadOnlyList<StoredMessage> stored = store.AppendBatch(batch);

        Assert.Equal(batch.Length, stored.Count);
        for (int i = 0; i < batch.Length; i++)
        {
            Assert.Equal(batch[i].Conversation, stored[i].Conversation);
            Assert.Equal(batch[i].MessageId, stored[i].MessageId);
            Assert.Equal(batch[i].Text, stored[i].Text);
            Assert.Equal(batch[i].ClientMsgId, stored[i].ClientMsgId);
            Assert.False(stored[i].Duplicate);
        }
    }

    [Fact]
    public void An_unknown_conversation_has_last_seq_0()
    {
        SqliteChatStore store = _db.Open();

        Assert.Equal(0UL, store.LastSeq("#nobody-here"));
    }

    [Fact]
    public void An_empty_batch_stores_nothing()
    {
        SqliteChatStore store = _db.Open();

        Assert.Empty(store.AppendBatch([]));
        Assert.Equal(0L, _db.RawScalar("SELECT count(*) FROM conversations"));
    }

    [Fact]
    public void Seqs_carry_on_after_a_reopen()
    {
        SqliteChatStore store = _db.Open();
        store.AppendBatch(Msg.Many("#general", 3));
        store.AppendBatch(Msg.Many("#other", 1));

        store = _db.Reopen(store);

        Assert.Equal(3UL, store.LastSeq("#general"));
        Assert.Equal([4UL, 5UL], store.AppendBatch(Msg.Many("#general", 2)).Seqs());
        Assert.Equal([2UL], store.AppendBatch(Msg.Many("#other", 1)).Seqs());
    }

    [Fact]
    public void Seqs_are_never_reused_after_retention_deleted_the_newest_messages()
    {
        SqliteChatStore store = _db.Open();
        store.AppendBatch(Msg.Many("#general", 5));

        Assert.Equal(5, store.ApplyRetention("#general", maxAge: null, maxCount: 0, nowMs: 0));
        Assert.Empty(store.Read("#general", 0, 100, forward: true));
        Assert.Equal(5UL, store.LastSeq("#general"));
        Assert.Equal([6UL], store.AppendBatch(Msg.Many("#general", 1)).Seqs());

        store.ApplyRetention("#general", maxAge: null, maxCount: 0, nowMs: 0);
        store = _db.Reopen(store);

        Assert.Equal(6UL, store.LastSeq("#general"));
        Assert.Equal([7UL], store.AppendBatch(Msg.Many("#general", 1)).Seqs());
    }
}
