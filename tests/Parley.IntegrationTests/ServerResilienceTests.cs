using System.Buffers.Binary;
using System.Collections.Concurrent;
using Google.Protobuf;
using Parley.Protocol;
using Parley.Protocol.Messages;
using Parley.TestUtilities;
using Xunit.Abstractions;

namespace Parley.IntegrationTests;

/// <summary>The server over real sockets when clients crash, stall, lie about lengths, churn, or the server stops.</summary>
public sealed class ServerResilienceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_client_reset_mid_frame_leaves_with_connection_lost_and_the_others_keep_chatting()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        await using WireClient alice = await WireClient.ConnectReadyAsync(server.EndPoint, "alice", "#a");
        await using WireClient bob = await WireClient.ConnectReadyAsync(server.EndPoint, "bob", "#a");
        WireClient carol = await WireClient.ConnectReadyAsync(server.EndPoint, "carol", "#a");

        byte[] frame = FrameWriter.Encode(FrameType.Say, 7, new Say { Room = "#a", Text = "half of this never arrives" });
        await carol.SendRawAsync(frame[..(frame.Length / 2)]);
        carol.Reset();

        Presence quit = await alice.ExpectAsync<Presence>(p => p.Kind == PresenceKind.Quit);
        Assert.Equal(("carol", QuitReason.ConnectionLost), (quit.Nick, quit.Reason));
        await bob.SendAsync(new Say { Room = "#a", Text = "still here" });
        Assert.Equal("still here", (await alice.ExpectAsync<Delivered>()).Text);
        Assert.Equal("still here", (await bob.ExpectAsync<Delivered>()).Text);
    }

    [Fact]
    public async Task A_stalled_member_is_evicted_while_fifty_others_receive_every_message_in_order()
    {
        const int chatters = 50, perChatter = 40;
        await using InProcessServer server = await InProcessServer.StartAsync(InProcessServer.NoRateLimits(new()
        {
            ["SendQueueSoftBytes"] = "262144",
            ["SendQueueHardBytes"] = "1048576",
            ["WriteStallTimeout"] = "00:00:03",
            ["MaxConnectionsPerAddress"] = "1000",
        }));
        WireClient stalled = await WireClient.ConnectReadyAsync(server.EndPoint, "stalled", "#room");
        var clients = new List<WireClient>();
        for (int i = 0; i < chatters; i++)
        {
            clients.Add(await WireClient.ConnectReadyAsync(server.EndPoint, $"chatter{i}", "#room"));
        }

        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        long maxQueued = 0, maxTotalQueued = 0;
        using var sampling = new CancellationTokenSource();
        Task sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                long total = 0;
                foreach (var c in server.Server.Context.Connections.Live)
                {
                    long queued = c.Queue.QueuedBytes;
                    maxQueued = Math.Max(maxQueued, queued);
                    total += queued;
                }

                maxTotalQueued = Math.Max(maxTotalQueued, total);
                await Task.Delay(TimeSpan.FromMilliseconds(1), CancellationToken.None); // the sampling interval, not a wait for a condition
            }
        });

        const int total = chatters * perChatter;
        Task<List<(ulong Seq, string From, int Index)>>[] readers = [.. clients.Select(c => ReadDeliveredAsync(c, total))];
        string padding = new('x', 2000);
        await Task.WhenAll(clients.Select(async (c, n) =>
        {
            for (int i = 0; i < perChatter; i++)
            {
                await c.SendAsync(new Say { Room = "#room", Text = $"{n}:{i}:{padding}" });
            }
        }));

        List<(ulong Seq, string From, int Index)>[] received = await Task.WhenAll(readers);
        Presence quit = await clients[0].ExpectAsync<Presence>(p => p.Kind == PresenceKind.Quit && p.Nick == "stalled");
        await sampling.CancelAsync();
        await sampler;
        long heapAfter = GC.GetTotalMemory(forceFullCollection: true);

        Assert.Equal(QuitReason.SlowConsumer, quit.Reason);
        foreach (List<(ulong Seq, string From, int Index)> got in received)
        {
            // Every message, once, in the room's order; each sender's own messages in the order sent.
            Assert.Equal(total, got.Count);
            Assert.Equal(Enumerable.Range(0, total).Select(i => got[0].Seq + (ulong)i), got.Select(d => d.Seq));
            foreach (var bySender in got.GroupBy(d => d.From))
            {
                Assert.Equal(Enumerable.Range(0, perChatter), bySender.Select(d => d.Index));
            }
        }

        const long hard = 1_048_576;
        output.WriteLine($"largest send queue seen: {maxQueued:N0} bytes (hard limit {hard:N0}, ceiling {hard * 4:N0}); " +
            $"largest total queued over all {chatters + 1} connections: {maxTotalQueued:N0} bytes; managed heap of the test process " +
            $"(server and clients) before {heapBefore:N0}, after {heapAfter:N0} bytes");
        Assert.True(maxQueued <= hard * 4 + 64 * 1024, $"a send queue held {maxQueued} bytes, above its ceiling");
        Assert.True(heapAfter - heapBefore < 64L * 1024 * 1024, $"the heap grew by {heapAfter - heapBefore} bytes");
        await stalled.DisposeAsync();
        foreach (WireClient c in clients)
        {
            await c.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_two_gigabyte_length_gets_an_error_frame_and_a_close_without_the_memory()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        await using WireClient bystander = await WireClient.ConnectReadyAsync(server.EndPoint, "bystander", "#a");
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        await using WireClient hostile = await WireClient.ConnectAsync(server.EndPoint);
        byte[] header = new byte[FrameHeader.Size + 1024];
        BinaryPrimitives.WriteUInt32BigEndian(header, 0x7FFF_FFF0);
        header[4] = (byte)FrameType.Hello;

        await hostile.SendRawAsync(header);
        List<IMessage> frames = await hostile.ReadToEndAsync();
        long heapAfter = GC.GetTotalMemory(forceFullCollection: true);

        Assert.Equal(ErrorCode.FrameTooLarge, Assert.IsType<Error>(Assert.Single(frames)).Code);
        output.WriteLine($"managed heap before {heapBefore:N0}, after {heapAfter:N0} bytes");
        Assert.True(heapAfter - heapBefore < 16L * 1024 * 1024, $"the heap grew by {heapAfter - heapBefore} bytes");
        await bystander.SendAsync(new Ping { Nonce = 42 });
        Assert.Equal(42ul, (await bystander.ExpectAsync<Pong>()).Nonce);
    }

    [Fact]
    public async Task Two_hundred_clients_connecting_and_leaving_repeatedly_leave_nothing_behind()
    {
        await using InProcessServer server = await InProcessServer.StartAsync(InProcessServer.NoRateLimits(new() { ["MaxConnectionsPerAddress"] = "1000" }));
        for (int round = 0; round < 3; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
            {
                WireClient c = await WireClient.ConnectReadyAsync(server.EndPoint, $"u{round}x{i}", "#churn");
                if (i % 2 == 0)
                {
                    await c.SendAsync(new Goodbye { Reason = QuitReason.Left, Message = "bye" });
                    await c.DisposeAsync();
                }
                else
                {
                    c.Reset();
                }
            }));
        }

        await Poll.UntilAsync(() => server.Server.LiveConnections == 0, "every connection's loops have ended");
        Assert.Equal(0, server.Server.Context.Hub.RoomCount);
        Assert.Empty(server.Server.Context.Connections.Live);
    }

    [Fact]
    public async Task Stopping_the_server_tells_every_client_it_is_shutting_down_before_the_close()
    {
        InProcessServer server = await InProcessServer.StartAsync();
        var clients = new List<WireClient>();
        for (int i = 0; i < 5; i++)
        {
            clients.Add(await WireClient.ConnectReadyAsync(server.EndPoint, $"c{i}", "#a"));
        }

        Task<List<IMessage>>[] endings = [.. clients.Select(c => c.ReadToEndAsync())];
        await server.StopAsync();

        foreach (List<IMessage> frames in await Task.WhenAll(endings))
        {
            Goodbye goodbye = Assert.IsType<Goodbye>(frames[^1]);
            Assert.Equal(QuitReason.ServerShuttingDown, goodbye.Reason);
        }

        await server.DisposeAsync();
        foreach (WireClient c in clients)
        {
            await c.DisposeAsync();
        }
    }

    // Keeps only what the assertions need, so the test's own memory doesn't drown the server's figure.
    private static async Task<List<(ulong Seq, string From, int Index)>> ReadDeliveredAsync(WireClient client, int count)
    {
        var got = new List<(ulong, string, int)>(count);
        while (got.Count < count)
        {
            Delivered d = await client.ExpectAsync<Delivered>();
            got.Add((d.Seq, d.From, int.Parse(d.Text.AsSpan(d.Text.IndexOf(':', StringComparison.Ordinal) + 1, 2).TrimEnd(':'), System.Globalization.CultureInfo.InvariantCulture)));
        }

        return got;
    }
}
