using Parley.Protocol;
using Parley.Protocol.Messages;
using Parley.Server.Connections;

namespace Parley.IntegrationTests;

/// <summary>
/// Plain TCP connections are written with non-blocking sends straight to the socket (issue 6); a short send
/// moves the connection to Kestrel's pipe for good. Real sockets, so the kernel's buffers decide.
/// </summary>
public sealed class DirectWriteTests
{
    [Fact]
    public async Task Plain_connections_are_written_directly_and_tls_ones_through_the_pipe()
    {
        await using (InProcessServer plain = await InProcessServer.StartAsync())
        {
            await using WireClient alice = await WireClient.ConnectReadyAsync(plain.EndPoint, "alice", "#a");
            await using WireClient bob = await WireClient.ConnectReadyAsync(plain.EndPoint, "bob", "#a");
            await alice.SendAsync(new Say { Room = "#a", Text = "straight to the socket" });

            Assert.Equal("straight to the socket", (await bob.ExpectAsync<Delivered>()).Text);
            Assert.All(plain.Server.Context.Connections.Live, c => Assert.True(c.WritesDirectly, $"{c.Id} writes through the pipe"));
        }

        await using (InProcessServer tls = await InProcessServer.StartAsync(new() { ["Tls:Enabled"] = "true" }))
        {
            await using WireClient alice = await WireClient.ConnectReadyTlsAsync(tls.EndPoint, tls.Fingerprint, "alice", "#a");
            await alice.SendAsync(new Say { Room = "#a", Text = "through TLS" });

            Assert.Equal("through TLS", (await alice.ExpectAsync<Delivered>()).Text);
            Assert.All(tls.Server.Context.Connections.Live, c => Assert.False(c.WritesDirectly, $"{c.Id} writes around TLS"));
        }
    }

    [Fact]
    public async Task Turned_off_every_connection_writes_through_the_pipe()
    {
        await using InProcessServer server = await InProcessServer.StartAsync(new() { ["DirectSocketWrites"] = "false" });
        await using WireClient alice = await WireClient.ConnectReadyAsync(server.EndPoint, "alice", "#a");
        await alice.SendAsync(new Say { Room = "#a", Text = "through the pipe" });

        Assert.Equal("through the pipe", (await alice.ExpectAsync<Delivered>()).Text);
        Assert.All(server.Server.Context.Connections.Live, c => Assert.False(c.WritesDirectly));
    }

    [Fact]
    public async Task A_reader_that_stops_moves_to_the_pipe_and_then_gets_every_message_in_order()
    {
        // Queues large enough that nobody is evicted: this is about the switch, not the slow-consumer policy.
        await using InProcessServer server = await InProcessServer.StartAsync(InProcessServer.NoRateLimits(new()
        {
            ["SendQueueSoftBytes"] = "67108864",
            ["SendQueueHardBytes"] = "268435456",
        }));
        await using WireClient reader = await WireClient.ConnectAsync(server.EndPoint, receiveBuffer: 4096);
        await reader.SendAsync(new Hello { ProtocolVersion = ProtocolConstants.Version, ClientName = "wire-test", Nick = "slow" });
        await reader.ExpectAsync<Welcome>();
        await reader.SendAsync(new Join { Room = "#a" });
        ulong lastSeq = (await reader.ExpectAsync<Joined>()).LastSeq;
        ClientConnection slow = server.Server.Context.Connections.Live.Single();
        Assert.True(slow.WritesDirectly);
        await using WireClient sender = await WireClient.ConnectReadyAsync(server.EndPoint, "sender", "#a");

        // The reader reads nothing meanwhile: the socket buffers fill, a send comes up short, and the rest waits in the pipe.
        string padding = new('x', 8000);
        int sent = 0;
        while (slow.WritesDirectly)
        {
            Assert.True(sent < 4000, "32 MB went out without a short send");
            await sender.SendAsync(new Say { Room = "#a", Text = $"{sent}:{padding}" });
            await sender.ExpectAsync<Sent>();
            sent++;
        }

        for (int i = 0; i < 5; i++, sent++)
        {
            await sender.SendAsync(new Say { Room = "#a", Text = $"{sent}:{padding}" });
            await sender.ExpectAsync<Sent>();
        }

        for (int i = 0; i < sent; i++)
        {
            Delivered delivered = await reader.ExpectAsync<Delivered>();
            Assert.Equal(lastSeq + 1 + (ulong)i, delivered.Seq);
            Assert.StartsWith($"{i}:", delivered.Text, StringComparison.Ordinal);
        }

        Assert.False(slow.WritesDirectly);
    }
}
