using Parley.Server.Storage;

namespace Parley.Storage.Sqlite.Tests;

public sealed class DedupTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public void A_retry_in_a_later_batch_is_a_duplicate_of_the_original()
    {
        SqliteChatStore store = _db.Open();
        MessageToStore original = Msg.Say("#general", "alice", "hi all", "c-1");
        StoredMessage stored = store.AppendBatch([original])[0];

        // The server gives the retry a fresh message id and time; the original's are what count.
        StoredMessage retry = store.AppendBatch([Msg.Say("#general", "alice", "hi all", "c-1", timestampMs: 1)])[0];

        Assert.True(retry.Duplicate);
        Assert.Equal(stored with { Duplicate = true }, retry);
        Assert.Equal(1UL, store.LastSeq("#general"));
        Assert.Single(store.Read("#general", 0, 10, forward: true));
    }

    [Fact]
    public void A_retry_in_the_same_batch_is_a_duplicate_of_the_first()
    {
        SqliteChatStore store = _db.Open();

        IReadOnlyList<StoredMessage> stored = store.AppendBatch(
        [
            Msg.Say("#general", "alice", "one", "c-1"), Msg.Say("#general", "bob", "two"), Msg.Say("#general", "alice", "one", "c-1"),
        ]);

        Assert.False(stored[0].Duplicate);
        Assert.True(stored[2].Duplicate);
        Assert.Equal(stored[0].Seq, stored[2].Seq);
        Assert.Equal(stored[0].MessageId, stored[2].MessageId);
        Assert.Equal([1UL, 2UL], store.Read("#general", 0, 10, forward: true).Seqs());
    }

    [Fact]
    public void A_retry_after_a_reopen_is_a_duplicate()
    {
        SqliteChatStore store = _db.Open();
        StoredMessage stored = store.AppendBatch([Msg.Direct("alice", "bob", "secret", "c-9")])[0];

        store = _db.Reopen(store);
        StoredMessage retry = store.AppendBatch([Msg.Direct("alice", "bob", "secret", "c-9")])[0];

        Assert.Equal(stored with { Duplicate = true }, retry);
        Assert.Equal(1UL, store.LastSeq(stored.Conversation));
    }

    [Fact]
    public void An_empty_client_id_never_dedups()
    {
        SqliteChatStore store = _db.Open();

        IReadOnlyList<StoredMessage> stored = store.AppendBatch([Msg.Say("#general", "alice", "same"), Msg.Say("#general", "alice", "same")]);
        IReadOnlyList<StoredMessage> again = store.AppendBatch([Msg.Say("#general", "alice", "same")]);

        Assert.Equal([1UL, 2UL, 3UL], stored.Concat(again).Seqs());
        Assert.DoesNotContain(stored.Concat(again), m => m.Duplicate);
    }

    [Fact]
    public void The_same_client_id_from_another_sender_or_in_another_conversation_is_a_new_message()
    {
        SqliteChatStore store = _db.Open();

        IReadOnlyList<StoredMessage> stored = store.AppendBatch(
        [
            Msg.Say("#general", "alice", "x", "c-1"), Msg.Say("#general", "bob", "x", "c-1"), Msg.Say("#random", "alice", "x", "c-1"),
        ]);

        Assert.DoesNotContain(stored, m => m.Duplicate);
        Assert.Equal([1UL, 2UL, 1UL], stored.Seqs());
    }

    [Fact]
    public void The_dedup_lookup_uses_the_partial_index()
    {
        using SqliteChatStore store = _db.Open();
        using Microsoft.Data.Sqlite.SqliteConnection connection = _db.RawConnection();
        using Microsoft.Data.Sqlite.SqliteCommand command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + AppendCommands.FindDuplicateSql;
        command.Parameters.AddWithValue("$conversation", "#general");
        command.Parameters.AddWithValue("$sender_key", "alice");
        command.Parameters.AddWithValue("$client_msg_id", "c-1");

        var plan = new List<string>();
        using (Microsoft.Data.Sqlite.SqliteDataReader reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                plan.Add(reader.GetString(3));
            }
        }

        Assert.Contains(plan, step => step.Contains("INDEX messages_client_msg_id", StringComparison.Ordinal));
    }
}
