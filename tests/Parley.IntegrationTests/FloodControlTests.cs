using System.Net;
using Google.Protobuf;
using Parley.Protocol.Messages;
using Parley.TestUtilities;

namespace Parley.IntegrationTests;

/// <summary>Flood control over real sockets and real time: refill, and new connections per address.</summary>
public sealed class FloodControlTests
{
    [Fact]
    public async Task A_refused_message_sent_again_after_retry_after_is_accepted_and_stored_once()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        await using WireClient alice = await WireClient.ConnectReadyAsync(server.EndPoint, "alice", "#a");
        for (int i = 0; i < 5; i++)
        {
            await alice.SendAsync(new Say { Room = "#a", Text = $"m{i}", ClientMsgId = $"c{i}" });
            await alice.ExpectAsync<Sent>();
        }

        await alice.SendAsync(new Say { Room = "#a", Text = "m5", ClientMsgId = "c5" });
        Error refused = await alice.ExpectAsync<Error>();
        // What a client is told to do; the server's heartbeat credits the bucket meanwhile.
        await Task.Delay(TimeSpan.FromMilliseconds(refused.RetryAfterMs));
        await alice.SendAsync(new Say { Room = "#a", Text = "m5", ClientMsgId = "c5" });
        Sent sent = await alice.ExpectAsync<Sent>();

        Assert.Equal(ErrorCode.RateLimited, refused.Code);
        // Half a second to refill one token, credited at the next heartbeat (1 s apart) after the bucket's last
        // replenishment: a bucket made late in a beat (at the Hello) can wait for the beat after, so up to 2 s.
        Assert.InRange(refused.RetryAfterMs, 1u, 2000u);
        Assert.Equal(("c5", 6ul), (sent.ClientMsgId, sent.Seq));
    }

    [Fact]
    public async Task New_connections_beyond_the_rate_for_an_address_are_refused_with_retry_after_but_an_exempt_address_is_not()
    {
        await using InProcessServer server = await InProcessServer.StartAsync(new()
        {
            ["RateLimits:ConnectionBurst"] = "5",
            // Slow enough that nothing is credited while the test runs.
            ["RateLimits:ConnectionsPerSecond"] = "0.01",
            ["RateLimits:ExemptAddresses:0"] = "127.0.0.2",
            ["MaxConnectionsPerAddress"] = "100",
        });
        var admitted = new List<WireClient>();
        for (int i = 0; i < 5; i++)
        {
            admitted.Add(await WireClient.ConnectReadyAsync(server.EndPoint, $"user{(char)('a' + i)}"));
        }

        await using WireClient sixth = await WireClient.ConnectAsync(server.EndPoint);
        List<IMessage> refusal = await sixth.ReadToEndAsync();
        var exempt = new List<WireClient>();
        for (int i = 0; i < 10; i++)
        {
            WireClient c = await WireClient.ConnectAsync(server.EndPoint, from: IPAddress.Parse("127.0.0.2"));
            await c.SendAsync(new Hello { ProtocolVersion = 1, Nick = $"exempt{(char)('a' + i)}" });
            await c.ExpectAsync<Welcome>();
            exempt.Add(c);
        }

        Error error = Assert.IsType<Error>(Assert.Single(refusal));
        Assert.Equal(ErrorCode.RateLimited, error.Code);
        Assert.True(error.RetryAfterMs > 0, "a retry-after value");
        Assert.Equal(15, server.Server.LiveConnections);
        foreach (WireClient c in admitted.Concat(exempt))
        {
            await c.DisposeAsync();
        }

        await Poll.UntilAsync(() => server.Server.LiveConnections == 0, "every connection has ended");
    }
}
