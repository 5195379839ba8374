using Parley.Server.Storage;

namespace Parley.Storage.Sqlite.Tests;

public sealed class ConcurrencyTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task Readers_see_gapless_committed_history_while_the_writer_appends()
    {
        SqliteChatStore store = _db.Open(new SqliteStoreOptions { FullSync = false });
        const int Batches = 200;
        const int PerBatch = 10;

        var writer = Task.Run(() =>
        {
            for (int i = 0; i < Batches; i++)
            {
                store.AppendBatch(Msg.Many("#general", PerBatch));
            }
        });

        async Task ReadUntilDone()
        {
            await Task.Yield();
            while (true)
            {
                bool finished = writer.IsCompleted;
                ulong last = store.LastSeq("#general");
                IReadOnlyList<StoredMessage> page = store.Read("#general", ulong.MaxValue, 50, forward: false);

                // Whole batches only, newest last, no gaps.
                Assert.True(page.Count == 0 || page[^1].Seq % PerBatch == 0, $"a page ended inside a batch at seq {page.LastOrDefault()?.Seq}");
                for (int i = 1; i < page.Count; i++)
                {
                    Assert.Equal(page[i - 1].Seq + 1, page[i].Seq);
                }

                Assert.True(page.Count == 0 || page[^1].Seq >= last);
                if (finished)
                {
                    return;
                }
            }
        }

        await Task.WhenAll(writer, Task.Run(ReadUntilDone), Task.Run(ReadUntilDone), Task.Run(ReadUntilDone));

        Assert.Equal((ulong)(Batches * PerBatch), store.LastSeq("#general"));
    }
}
