using System.Diagnostics;
using Parley.Protocol.Messages;
using Parley.Server.Storage;
using Parley.Storage.Sqlite;
using Xunit.Abstractions;

namespace Parley.IntegrationTests;

/// <summary>Issue 5's catch-up path: paged, back-pressured, never a slow-consumer eviction, and the live room goes on.</summary>
public sealed class CatchUpTests(ITestOutputHelper output)
{
    private const int Stored = 100_000;

    [Fact]
    public async Task A_client_catching_up_a_hundred_thousand_messages_is_not_evicted_while_a_live_room_keeps_flowing()
    {
        string data = Path.Combine(Path.GetTempPath(), "parley-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        Prefill(data);
        try
        {
            await CatchUpWhileLiveAsync(data);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private async Task CatchUpWhileLiveAsync(string data)
    {
        await using InProcessServer server = await InProcessServer.StartAsync(InProcessServer.NoRateLimits(new() { ["DataDirectory"] = data }));
        await using WireClient alice = await WireClient.ConnectReadyAsync(server.EndPoint, "alice", "#live");
        await using WireClient bob = await WireClient.ConnectReadyAsync(server.EndPoint, "bob", "#live");
        await using WireClient reader = await WireClient.ConnectReadyAsync(server.EndPoint, "reader", "#big");

        List<double> baseline = await LiveRoundAsync(bob, alice, 50, "before");
        Task<List<double>> during = Task.Run(() => LiveRoundAsync(bob, alice, 200, "during"));
        var clock = Stopwatch.StartNew();
        ulong expected = 1, after = 0;
        int pages = 0;
        while (true)
        {
            await reader.SendAsync(new History { Conversation = "#big", Seq = after, Forward = true, Limit = 500 });
            HistoryPage page = await reader.ExpectAsync<HistoryPage>();
            pages++;
            foreach (Delivered d in page.Messages)
            {
                Assert.Equal(expected++, d.Seq);
            }

            if (!page.HasMore)
            {
                break;
            }

            after = page.Messages[^1].Seq;
        }

        clock.Stop();
        List<double> live = await during;
        Assert.Equal((ulong)Stored + 1, expected);
        Assert.Contains(server.Server.Context.Connections.Live, c => c.Session.Nick == "reader");
        output.WriteLine($"caught up {Stored:N0} messages in {pages} pages in {clock.Elapsed.TotalSeconds:0.0} s; " +
            $"live round trip p50/p99: before {Percentile(baseline, 50):0.0}/{Percentile(baseline, 99):0.0} ms, " +
            $"during {Percentile(live, 50):0.0}/{Percentile(live, 99):0.0} ms");
    }

    private static void Prefill(string data)
    {
        using SqliteChatStore store = SqliteChatStore.InDataDirectory(data);
        store.Open();
        var batch = new List<MessageToStore>(1000);
        for (int i = 0; i < Stored; i++)
        {
            batch.Add(new MessageToStore("#big", "old", "old", string.Empty, $"archived message {i} with some words in it", false, string.Empty, (ulong)i + 1, 1_700_000_000_000 + i));
            if (batch.Count == 1000)
            {
                store.AppendBatch(batch);
                batch.Clear();
            }
        }

        store.SaveRoom(new RoomRecord("#big", "#big", string.Empty, string.Empty, 1_700_000_000_000));
    }

    // bob says n lines in #live, each after the previous arrived at alice; returns the round trips in ms.
    private static async Task<List<double>> LiveRoundAsync(WireClient from, WireClient to, int n, string tag)
    {
        var rtts = new List<double>(n);
        for (int i = 0; i < n; i++)
        {
            long start = Stopwatch.GetTimestamp();
            string text = $"{tag} {i}";
            await from.SendAsync(new Say { Room = "#live", Text = text });
            await to.ExpectAsync<Delivered>(d => d.Text == text);
            rtts.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        return rtts;
    }

    private static double Percentile(List<double> values, int p)
    {
        double[] sorted = [.. values.Order()];
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
