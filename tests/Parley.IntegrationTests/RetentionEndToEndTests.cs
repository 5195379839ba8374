using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Parley.Protocol.Messages;
using Parley.Server.Storage;
using Parley.TestUtilities;

namespace Parley.IntegrationTests;

/// <summary>Retention in a real server on the real SQLite store, its clock a fake one.</summary>
public sealed class RetentionEndToEndTests
{
    [Fact]
    public async Task Retention_deletes_from_sqlite_by_age_and_count_and_never_reuses_a_sequence_number()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        await using InProcessServer server = await InProcessServer.StartAsync(InProcessServer.NoRateLimits(new Dictionary<string, string?>
        {
            ["Retention:Default:MaxAge"] = "02:00:00",
            ["Retention:Rooms:logs:MaxCount"] = "3",
            // Small steps, so the count limit takes several transactions.
            ["Retention:DeleteBatchSize"] = "2",
            // Hours pass on the fake clock; the test's connection must not time out meanwhile.
            ["PingInterval"] = "300.00:00:00",
            ["IdleTimeout"] = "365.00:00:00",
        }), time);
        RetentionService retention = server.Services.GetServices<IHostedService>().OfType<RetentionService>().Single();
        await using WireClient alice = await WireClient.ConnectReadyAsync(server.EndPoint, "alice", "#general", "#logs");
        foreach (string text in new[] { "g1", "g2" })
        {
            await SayAsync(alice, "#general", text);
        }

        for (int i = 1; i <= 7; i++)
        {
            await SayAsync(alice, "#logs", $"l{i}");
        }

        // First pass, a minute after start: #logs keeps its newest 3 and has nothing from the default's age limit to lose yet.
        await PassAsync(time, retention, RetentionService.FirstRunDelay, 1);
        await AssertHistoryAsync(alice, "#logs", 7, "l5", "l6", "l7");
        await AssertHistoryAsync(alice, "#general", 2, "g1", "g2");

        await SayAsync(alice, "#general", "g3");
        await PassAsync(time, retention, TimeSpan.FromHours(1), 2);
        await AssertHistoryAsync(alice, "#general", 3, "g1", "g2", "g3");

        // Two hours and a minute after start: g1 and g2 are older than two hours, g3 is exactly two hours old.
        await PassAsync(time, retention, TimeSpan.FromHours(1), 3);
        await AssertHistoryAsync(alice, "#general", 3, "g3");

        // The next message continues the numbering; a retry of a kept message is still recognised,
        // while the client id of a deleted one is a new message.
        Assert.Equal(4UL, (await SayAsync(alice, "#general", "g4")).Seq);
        Assert.Equal(4UL, (await SayAsync(alice, "#general", "g4")).Seq);
        Assert.Equal(5UL, (await SayAsync(alice, "#general", "g1 again", clientMsgId: "g1")).Seq);
        await AssertHistoryAsync(alice, "#general", 5, "g3", "g4", "g1 again");
        Assert.Empty(server.Errors);
    }

    private static async Task PassAsync(FakeTimeProvider time, RetentionService retention, TimeSpan advance, long passes)
    {
        time.Advance(advance);
        await Poll.UntilAsync(() => retention.CompletedPasses >= passes, $"retention pass {passes} has run");
    }

    private static async Task<Sent> SayAsync(WireClient client, string room, string text, string? clientMsgId = null)
    {
        await client.SendAsync(new Say { Room = room, Text = text, ClientMsgId = clientMsgId ?? text });
        return await client.ExpectAsync<Sent>();
    }

    private static async Task AssertHistoryAsync(WireClient client, string room, ulong lastSeq, params string[] texts)
    {
        await client.SendAsync(new History { Conversation = room, Seq = 0, Forward = false, Limit = 100 });
        HistoryPage page = await client.ExpectAsync<HistoryPage>();
        Assert.Equal(texts, page.Messages.Select(m => m.Text));
        Assert.Equal(lastSeq, page.LastSeq);
    }
}
