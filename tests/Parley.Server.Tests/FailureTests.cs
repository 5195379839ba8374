using Parley.Protocol;
using Parley.Protocol.Messages;

namespace Parley.Server.Tests;

public sealed class FailureTests
{
    [Fact]
    public async Task A_client_that_dies_mid_frame_leaves_with_connection_lost_and_the_room_carries_on()
    {
        await using var server = new InMemoryServer();
        TestPeer alice = server.Connect(), bob = server.Connect(), carol = server.Connect();
        foreach ((TestPeer p, string n) in new[] { (alice, "alice"), (bob, "bob"), (carol, "carol") })
        {
            await p.HelloAsync(n);
            await p.JoinAsync("#a");
        }

        byte[] whole = FrameWriter.Encode(FrameType.Say, 9, new Say { Room = "#a", Text = "never finished" });
        await carol.SendRawAsync(whole[..(whole.Length - 3)]);
        await carol.Output.CompleteAsync();

        Presence quit = await alice.ExpectAsync<Presence>(p => p.Kind == PresenceKind.Quit);
        Assert.Equal(("carol", QuitReason.ConnectionLost), (quit.Nick, quit.Reason));
        await bob.SendAsync(new Say { Room = "#a", Text = "still here" });
        Assert.Equal("still here", (await alice.ExpectAsync<Delivered>()).Text);
    }

    [Fact]
    public async Task A_member_that_stops_reading_is_evicted_and_the_others_receive_everything_in_order()
    {
        await using var server = new InMemoryServer(o =>
        {
            o.SendQueueSoftBytes = 256 * 1024;
            o.SendQueueHardBytes = 1024 * 1024;
        });
        TestPeer alice = server.Connect(), bob = server.Connect();
        // The stalled reader's transport accepts 4 KiB and then blocks every flush.
        TestPeer stalled = server.Connect(readerPauseBytes: 4 * 1024);
        await stalled.HelloAsync("stalled");
        await stalled.JoinAsync("#a");
        await alice.HelloAsync("alice");
        await alice.JoinAsync("#a");
        await bob.HelloAsync("bob");
        await bob.JoinAsync("#a");

        // 2,000 messages of 1 KiB: twice the hard limit, so the stalled member's queue must overflow.
        const int count = 2000;
        var bobSaw = new List<Google.Protobuf.IMessage>();
        Task<List<Delivered>> bobReads = ReadDeliveredAsync(bob, count, bobSaw);
        Task<List<Delivered>> aliceReads = ReadDeliveredAsync(alice, count);
        string text = new('x', 1000);
        for (int i = 0; i < count; i++)
        {
            await alice.SendAsync(new Say { Room = "#a", Text = $"{i} {text}" });
            if (i == count / 4)
            {
                // The stalled member's writer has been stuck since its transport filled: let the
                // progress window pass, so the hard limit evicts it (a writer still sending would be spared).
                await Poll.UntilAsync(() => server.Context.Connections.Live.Any(c => c.Session.Nick == "stalled" && c.WriteStatus == "flushing"), "the stalled write is pending");
                server.Time.Advance(server.Options.EvictionProgressWindow + TimeSpan.FromMilliseconds(1));
            }
        }

        List<Delivered> got;
        try
        {
            got = await bobReads.WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(ex.Message + " | " + string.Join("; ", server.Context.Connections.Live.Select(c => $"{c.Session.Nick} r={c.ReadStatus} w={c.WriteStatus} q={c.Queue.QueuedBytes} closing={c.IsClosing}")));
        }
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"{i} {text}"), got.Select(d => d.Text));
        Assert.Equal(count, (await aliceReads).Count);
        Presence quit = bobSaw.OfType<Presence>().FirstOrDefault(p => p.Kind == PresenceKind.Quit)
            ?? await bob.ExpectAsync<Presence>(p => p.Kind == PresenceKind.Quit);
        Assert.Equal(("stalled", QuitReason.SlowConsumer), (quit.Nick, quit.Reason));
        Assert.Equal(1, server.Context.Connections.LiveCount - 2);

        // The evicted connection is aborted once its close grace has passed.
        server.Time.Advance(server.Options.CloseGrace + TimeSpan.FromSeconds(1));
        await Poll.UntilAsync(() => server.Context.Connections.LiveCount == 2, "the evicted connection ended");
    }

    [Fact]
    public async Task An_eviction_during_fan_out_ends_the_connection_after_the_delivery_not_inside_it()
    {
        // Issue 6: with inline scheduling, cancelling the evicted member's read ran its whole close (leaving
        // the room, telling the members) on the fan-out thread inside the room's lock, so the members after
        // it in the room heard of the quit before the message being delivered.
        await using var server = new InMemoryServer(o =>
        {
            o.SendQueueSoftBytes = 1024;
            o.SendQueueHardBytes = 2048;
            o.EvictionProgressWindow = TimeSpan.FromSeconds(1);
            o.WriteStallTimeout = TimeSpan.FromMinutes(10);
        });
        TestPeer stalled = server.Connect(readerPauseBytes: 1024, inlineScheduling: true);
        TestPeer bob = server.Connect();
        await stalled.HelloAsync("stalled");
        await stalled.JoinAsync("#a");
        await bob.HelloAsync("bob");
        await bob.JoinAsync("#a");

        // A frame larger than the stalled transport takes: its writer is stuck flushing from now on.
        await bob.SendAsync(new Say { Room = "#a", Text = new string('x', 3000) });
        await bob.ExpectAsync<Delivered>();
        await Poll.UntilAsync(() => server.Context.Connections.Live.Any(c => c.Session.Nick == "stalled" && c.WriteStatus == "flushing"), "the stalled write is pending");
        // Something queued behind the stuck write, then the progress window passes with nothing sent.
        await bob.SendAsync(new Say { Room = "#a", Text = "queued" });
        await bob.ExpectAsync<Delivered>();
        server.Time.Advance(TimeSpan.FromSeconds(2));

        // This one takes the stalled member over its hard limit: it is evicted while the room delivers.
        await bob.SendAsync(new Say { Room = "#a", Text = "last " + new string('y', 3000) });
        var seen = new List<Google.Protobuf.IMessage>();
        while (seen.Count < 2)
        {
            var frame = await bob.ReadAsync().WaitAsync(TimeSpan.FromSeconds(20));
            Assert.NotNull(frame);
            if (frame.Value.Message is Delivered or Presence)
            {
                seen.Add(frame.Value.Message);
            }
        }

        Assert.StartsWith("last ", Assert.IsType<Delivered>(seen[0]).Text);
        Presence quit = Assert.IsType<Presence>(seen[1]);
        Assert.Equal(("stalled", PresenceKind.Quit, QuitReason.SlowConsumer), (quit.Nick, quit.Kind, quit.Reason));
    }

    [Fact]
    public async Task A_write_stalled_past_the_deadline_evicts_the_client()
    {
        await using var server = new InMemoryServer(o => o.WriteStallTimeout = TimeSpan.FromSeconds(10));
        TestPeer alice = server.Connect();
        TestPeer stalled = server.Connect(readerPauseBytes: 1024);
        await stalled.HelloAsync("stalled");
        await stalled.JoinAsync("#a");
        await alice.HelloAsync("alice");
        await alice.JoinAsync("#a");
        // Enough to block the stalled transport, far below the hard limit.
        await alice.SendAsync(new Say { Room = "#a", Text = new string('y', 4000) });
        await alice.ExpectAsync<Delivered>();
        await Poll.UntilAsync(() => server.Context.Connections.Live.Any(c => c.Session.Nick == "stalled" && c.WriteStatus == "flushing"), "the stalled write is pending");

        server.Time.Advance(TimeSpan.FromSeconds(11));

        Presence quit = await alice.ExpectAsync<Presence>(p => p.Kind == PresenceKind.Quit);
        Assert.Equal(QuitReason.SlowConsumer, quit.Reason);
    }

    [Fact]
    public async Task A_silent_client_is_pinged_and_then_closed_as_timed_out()
    {
        await using var server = new InMemoryServer(o =>
        {
            o.PingInterval = TimeSpan.FromSeconds(30);
            o.IdleTimeout = TimeSpan.FromSeconds(90);
        });
        TestPeer alice = server.Connect(), silent = server.Connect();
        await alice.HelloAsync("alice");
        await alice.JoinAsync("#a");
        await silent.HelloAsync("silent");
        await silent.JoinAsync("#a");

        server.Time.Advance(TimeSpan.FromSeconds(31));
        Ping ping = await silent.ExpectAsync<Ping>();
        await alice.SendAsync(new Pong { Nonce = ping.Nonce }, requestId: 0);

        // alice keeps talking (a ping of her own, answered, so the server has seen it); silent doesn't.
        // The quit may arrive before or after a pong (pongs jump the queue), so keep whatever comes.
        Presence? quit = null;
        for (int i = 0; i < 6; i++)
        {
            server.Time.Advance(TimeSpan.FromSeconds(11));
            await alice.SendAsync(new Ping { Nonce = (ulong)i });
            while ((await alice.ReadAsync())?.Message is { } m && !(m is Pong pong && pong.Nonce == (ulong)i))
            {
                quit ??= m is Presence { Kind: PresenceKind.Quit } p ? p : null;
            }
        }

        quit ??= await alice.ExpectAsync<Presence>(p => p.Kind == PresenceKind.Quit);
        Assert.Equal(("silent", QuitReason.TimedOut), (quit.Nick, quit.Reason));
        List<Google.Protobuf.IMessage> rest = await silent.ReadToEndAsync();
        Assert.Equal(ErrorCode.IdleTimeout, rest.OfType<Error>().Single().Code);
    }

    [Fact]
    public async Task Shutdown_delivers_what_is_queued_then_a_goodbye_then_closes()
    {
        await using var server = new InMemoryServer();
        TestPeer alice = server.Connect(), bob = server.Connect();
        await alice.HelloAsync("alice");
        await alice.JoinAsync("#a");
        await bob.HelloAsync("bob");
        await bob.JoinAsync("#a");
        await alice.SendAsync(new Say { Room = "#a", Text = "last words" });
        await alice.ExpectAsync<Delivered>();

        server.Context.Connections.BeginShutdown();

        List<Google.Protobuf.IMessage> frames = await bob.ReadToEndAsync();
        Assert.Contains(frames, f => f is Delivered { Text: "last words" });
        Goodbye goodbye = Assert.IsType<Goodbye>(frames[^1]);
        Assert.Equal(QuitReason.ServerShuttingDown, goodbye.Reason);
        Assert.DoesNotContain(frames, f => f is Presence { Kind: PresenceKind.Quit });
        await Poll.UntilAsync(() => server.Context.Connections.LiveCount == 0, "every connection ended");
    }

    private static async Task<List<Delivered>> ReadDeliveredAsync(TestPeer peer, int count, List<Google.Protobuf.IMessage>? others = null)
    {
        var got = new List<Delivered>();
        try
        {
            while (got.Count < count)
            {
                var next = await peer.ReadAsync() ?? throw new InvalidOperationException("the stream ended");
                if (next.Message is Delivered d)
                {
                    got.Add(d);
                }
                else
                {
                    others?.Add(next.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new InvalidOperationException($"got {got.Count} of {count}; last: {got.LastOrDefault()?.Text[..5]}");
        }

        return got;
    }
}
