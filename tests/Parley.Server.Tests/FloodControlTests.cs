using Google.Protobuf;
using Parley.Protocol;
using Parley.Protocol.Messages;
using Parley.Server.Limits;

namespace Parley.Server.Tests;

/// <summary>
/// Flood control on the fake clock (docs/PROTOCOL.md "Flood control"). Buckets are credited only on
/// heartbeats, which fire only when a test advances the clock, so bursts and refusals here are exact.
/// How much a beat credits is measured by the limiter's own clock, so refill over time is tested over
/// real time and real sockets (Parley.IntegrationTests, FloodControlTests).
/// </summary>
public sealed class FloodControlTests
{
    [Fact]
    public async Task Welcome_announces_the_message_rate_and_the_room_limits()
    {
        await using var server = new InMemoryServer(o => o.RateLimits = new RateLimitOptions());

        Welcome welcome = await server.Connect().HelloAsync("alice");

        Assert.Equal((5u, 2.0), (welcome.Limits.RateBurst, welcome.Limits.RatePerSecond));
        Assert.Equal((100u, 10_000u), (welcome.Limits.MaxRoomsPerSession, welcome.Limits.MaxMembersPerRoom));
    }

    [Fact]
    public async Task A_message_limit_turned_off_is_announced_as_zero_and_lets_a_burst_through()
    {
        await using var server = new InMemoryServer(o => o.RateLimits = new RateLimitOptions { MessageBurst = 0 });
        TestPeer alice = server.Connect();
        Welcome welcome = await alice.HelloAsync("alice");
        await alice.JoinAsync("#a");

        for (int i = 0; i < 50; i++)
        {
            await alice.SendAsync(new Say { Room = "#a", Text = $"m{i}" });
        }

        for (int i = 0; i < 50; i++)
        {
            await alice.ExpectAsync<Sent>();
        }

        Assert.Equal((0u, 0.0), (welcome.Limits.RateBurst, welcome.Limits.RatePerSecond));
    }

    [Fact]
    public async Task Messages_beyond_the_burst_are_refused_with_a_retry_after_and_are_neither_stored_nor_delivered()
    {
        await using var server = new InMemoryServer(o => o.RateLimits = new RateLimitOptions());
        (TestPeer alice, TestPeer bob) = await TwoInRoomAsync(server, "#a");

        uint[] ids = new uint[8];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = await alice.SendAsync(new Say { Room = "#a", Text = $"m{i}", ClientMsgId = $"c{i}" });
        }

        Dictionary<uint, IMessage> replies = await RepliesAsync(alice, ids);

        Assert.All(ids[..5], id => Assert.IsType<Sent>(replies[id]));
        foreach (uint id in ids[5..])
        {
            Error refused = Assert.IsType<Error>(replies[id]);
            Assert.Equal(ErrorCode.RateLimited, refused.Code);
            // Nothing has been credited yet: tokens arrive with the first heartbeat, 1 s after the start.
            Assert.Equal(1000u, refused.RetryAfterMs);
        }

        // Bob, unaffected: he gets the five that were accepted, and his own message goes through.
        await bob.SendAsync(new Say { Room = "#a", Text = "bob here" });
        var seen = new List<string>();
        while (seen.LastOrDefault() != "bob here")
        {
            seen.Add((await bob.ExpectAsync<Delivered>()).Text);
        }

        Assert.Equal(["m0", "m1", "m2", "m3", "m4", "bob here"], seen);
        await bob.SendAsync(new History { Conversation = "#a", Limit = 50 });
        Assert.Equal(6, (await bob.ExpectAsync<HistoryPage>()).Messages.Count);
    }

    [Fact]
    public async Task Connections_of_one_account_share_its_message_allowance_and_a_guest_keeps_its_own()
    {
        await using var server = new InMemoryServer(o => o.RateLimits = new RateLimitOptions { MessageBurst = 3 });
        TestPeer first = server.Connect(), second = server.Connect(), guest = server.Connect();
        Assert.IsType<Welcome>(await first.AccountHelloAsync("alice", "correct horse battery", register: true));
        Assert.IsType<Welcome>(await second.AccountHelloAsync("alice", "correct horse battery", nick: "alice-phone"));
        await guest.HelloAsync("bob");
        foreach (TestPeer peer in new[] { first, second, guest })
        {
            await peer.JoinAsync("#a");
        }

        Assert.Equal(1, server.Context.FloodControl.SharedBuckets);
        uint[] fromFirst = [await first.SendAsync(new Say { Room = "#a", Text = "1" }), await first.SendAsync(new Say { Room = "#a", Text = "2" })];
        Assert.All((await RepliesAsync(first, fromFirst)).Values, r => Assert.IsType<Sent>(r));

        // One token left for the account, whichever connection asks; the guest still has all three of its own.
        uint[] fromSecond = [await second.SendAsync(new Say { Room = "#a", Text = "3" }), await second.SendAsync(new Say { Room = "#a", Text = "4" })];
        Dictionary<uint, IMessage> secondReplies = await RepliesAsync(second, fromSecond);
        Assert.IsType<Sent>(secondReplies[fromSecond[0]]);
        Assert.Equal(ErrorCode.RateLimited, Assert.IsType<Error>(secondReplies[fromSecond[1]]).Code);
        var fromGuest = new uint[3];
        for (int i = 0; i < fromGuest.Length; i++)
        {
            fromGuest[i] = await guest.SendAsync(new Say { Room = "#a", Text = $"g{i}" });
        }

        Assert.All((await RepliesAsync(guest, fromGuest)).Values, r => Assert.IsType<Sent>(r));

        // The account's bucket lives while any of its connections does.
        await first.SendAsync(new Goodbye());
        await first.ReadToEndAsync();
        Assert.Equal(1, server.Context.FloodControl.SharedBuckets);
        await second.SendAsync(new Goodbye());
        await second.ReadToEndAsync();
        await Poll.UntilAsync(() => server.Context.FloodControl.SharedBuckets == 0, "the account's bucket is released with its last connection");
    }

    [Fact]
    public async Task Retry_after_names_the_heartbeat_that_credits_the_bucket()
    {
        await using var server = new InMemoryServer(o => o.RateLimits = new RateLimitOptions { MessageBurst = 1 });
        (TestPeer alice, _) = await TwoInRoomAsync(server, "#a");
        await alice.SendAsync(new Say { Room = "#a", Text = "first" });
        await alice.ExpectAsync<Sent>();

        server.Time.Advance(TimeSpan.FromMilliseconds(300));
        await alice.SendAsync(new Say { Room = "#a", Text = "second" });

        Error refused = await alice.ExpectAsync<Error>();
        Assert.Equal((ErrorCode.RateLimited, 700u), (refused.Code, refused.RetryAfterMs));
    }

    [Fact]
    public async Task A_join_and_part_flood_is_refused_by_the_request_allowance()
    {
        await using var server = new InMemoryServer(o => o.RateLimits = new RateLimitOptions { RequestBurst = 10, RefusalsBeforeDisconnect = 0 });
        TestPeer alice = server.Connect();
        await alice.HelloAsync("alice");

        // The Hello took one of the ten; nine Join/Part pairs' worth of requests go through.
        uint[] ids = new uint[20];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = await alice.SendAsync(i % 2 == 0 ? new Join { Room = "#churn" } : new Part { Room = "#churn" });
        }

        Dictionary<uint, IMessage> replies = await RepliesAsync(alice, ids);

        Assert.All(ids[..9], id => Assert.IsNotType<Error>(replies[id]));
        Assert.All(ids[9..], id => Assert.Equal(ErrorCode.RateLimited, Assert.IsType<Error>(replies[id]).Code));
        Assert.All(ids[9..], id => Assert.True(((Error)replies[id]).RetryAfterMs > 0));
    }

    [Fact]
    public async Task History_is_not_charged_to_the_request_allowance()
    {
        await using var server = new InMemoryServer(o => o.RateLimits = new RateLimitOptions { RequestBurst = 3 });
        TestPeer alice = server.Connect();
        await alice.HelloAsync("alice");
        await alice.JoinAsync("#a");

        for (int i = 0; i < 10; i++)
        {
            await alice.SendAsync(new History { Conversation = "#a" });
            await alice.ExpectAsync<HistoryPage>();
        }

        await alice.SendAsync(new Ping { Nonce = 1 });
        Assert.Equal(1ul, (await alice.ExpectAsync<Pong>()).Nonce);
    }

    [Fact]
    public async Task A_client_that_keeps_sending_after_being_refused_is_disconnected_and_its_rooms_see_it_go()
    {
        await using var server = new InMemoryServer(o => o.RateLimits = new RateLimitOptions());
        (TestPeer alice, TestPeer bob) = await TwoInRoomAsync(server, "#a");

        for (int i = 0; i < 40; i++)
        {
            await alice.SendAsync(new Say { Room = "#a", Text = $"flood {i}" });
        }

        var frames = new List<(uint RequestId, IMessage Message)>();
        while (await alice.ReadAsync() is { } frame)
        {
            frames.Add((frame.RequestId, frame.Message));
        }

        // 19 refusals answered one by one; the 20th within the window closes the connection instead.
        Assert.Equal(19, frames.Count(f => f.RequestId != 0 && f.Message is Error { Code: ErrorCode.RateLimited }));
        Error last = Assert.IsType<Error>(frames[^1].Message);
        Assert.Equal((0u, ErrorCode.RateLimited), (frames[^1].RequestId, last.Code));
        Assert.Contains("flooding", last.Message, StringComparison.Ordinal);

        Presence quit = await bob.ExpectAsync<Presence>(p => p.Kind == PresenceKind.Quit);
        Assert.Equal(("alice", QuitReason.ProtocolError), (quit.Nick, quit.Reason));
        await Poll.UntilAsync(() => server.Context.Connections.LiveCount == 1, "the flooder's connection has ended");
    }

    [Fact]
    public async Task Refusals_spread_over_more_than_the_window_do_not_disconnect()
    {
        // A rate so low that the real time the limiter measures between beats credits nothing.
        await using var server = new InMemoryServer(o => o.RateLimits = new RateLimitOptions
        {
            MessageBurst = 1, MessagesPerSecond = 0.001, RefusalsBeforeDisconnect = 3, RefusalWindow = TimeSpan.FromSeconds(10),
        });
        (TestPeer alice, _) = await TwoInRoomAsync(server, "#a");
        await alice.SendAsync(new Say { Room = "#a", Text = "accepted" });
        await alice.ExpectAsync<Sent>();

        await RefusedAsync(alice, 2);
        server.Time.Advance(TimeSpan.FromSeconds(11));
        await RefusedAsync(alice, 2);
        await alice.SendAsync(new Ping { Nonce = 7 });
        Assert.Equal(7ul, (await alice.ExpectAsync<Pong>()).Nonce);

        await alice.SendAsync(new Say { Room = "#a", Text = "third refusal in this window" });
        List<IMessage> rest = await alice.ReadToEndAsync();
        Assert.Equal(ErrorCode.RateLimited, Assert.IsType<Error>(rest[^1]).Code);
    }

    [Fact]
    public async Task A_full_room_refuses_a_join_until_someone_leaves()
    {
        await using var server = new InMemoryServer(o => o.MaxMembersPerRoom = 2);
        (TestPeer alice, TestPeer bob) = await TwoInRoomAsync(server, "#small");
        TestPeer carol = server.Connect();
        Welcome welcome = await carol.HelloAsync("carol");

        uint id = await carol.SendAsync(new Join { Room = "#small" });
        var refused = await carol.ReadAsync();
        await bob.SendAsync(new Part { Room = "#small" });
        await bob.ExpectAsync<Ok>();
        Joined joined = await carol.JoinAsync("#small");

        Assert.Equal(2u, welcome.Limits.MaxMembersPerRoom);
        Assert.Equal(id, refused!.Value.RequestId);
        Assert.Equal(ErrorCode.RoomFull, Assert.IsType<Error>(refused.Value.Message).Code);
        Assert.Equal(["alice", "carol"], joined.Members.Order());
        Assert.Equal("carol", (await alice.ExpectAsync<Presence>(p => p.Kind == PresenceKind.Joined)).Nick);
    }

    [Fact]
    public void Taking_a_message_token_allocates_nothing()
    {
        var options = new ServerOptions { RateLimits = new RateLimitOptions { MessageBurst = 100_000 } };
        var control = new FloodControl(options, new Microsoft.Extensions.Time.Testing.FakeTimeProvider());
        SessionLimits limits = control.ForConnection();
        limits.AttachMessageBucket(control.MessageBucketFor(account: null));
        Assert.True(limits.TryTakeMessage(out _)); // the first call's one-off costs (JIT, statics) are not the per-message cost

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            Assert.True(limits.TryTakeMessage(out _));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static async Task<(TestPeer, TestPeer)> TwoInRoomAsync(InMemoryServer server, string room)
    {
        TestPeer alice = server.Connect(), bob = server.Connect();
        await alice.HelloAsync("alice");
        await bob.HelloAsync("bob");
        await alice.JoinAsync(room);
        await bob.JoinAsync(room);
        await alice.ExpectAsync<Presence>(p => p.Nick == "bob");
        return (alice, bob);
    }

    /// <summary>Reads until every one of <paramref name="ids"/> has its reply; events are skipped.</summary>
    private static async Task<Dictionary<uint, IMessage>> RepliesAsync(TestPeer peer, uint[] ids)
    {
        var replies = new Dictionary<uint, IMessage>();
        while (!ids.All(replies.ContainsKey))
        {
            var frame = await peer.ReadAsync() ?? throw new InvalidOperationException("the stream ended before every reply arrived");
            if (frame.RequestId != 0)
            {
                replies[frame.RequestId] = frame.Message;
            }
        }

        return replies;
    }

    private static async Task RefusedAsync(TestPeer peer, int count)
    {
        for (int i = 0; i < count; i++)
        {
            await peer.SendAsync(new Say { Room = "#a", Text = "refused" });
            Assert.Equal(ErrorCode.RateLimited, (await peer.ExpectAsync<Error>()).Code);
        }
    }
}
