using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using Parley.Protocol.Messages;

namespace Parley.Client.Tests;

public partial class SessionTests
{
    [Fact]
    public async Task After_a_drop_the_session_reconnects_reasserts_its_nick_and_rejoins_its_rooms()
    {
        var servers = new ServerQueue();
        var session = new ParleySession("fake:1", servers.ConnectAsync, new ParleySessionOptions
        {
            Connection = { Nick = "alice" },
            Backoff = new ReconnectBackoff { Jitter = () => 0 },
        });
        var events = new ChannelReaderAssert(session.Events);
        session.Start();

        FakeServer first = await servers.NextAsync();
        await first.AcceptHelloAsync();
        Assert.Equal("alice", (await events.NextOfTypeAsync<ConnectedEvent>()).Nick);
        Task<Joined> joining = session.JoinAsync("#a");
        (uint joinId, _) = await first.ExpectAsync<Join>();
        await first.SendAsync(joinId, new Joined { Room = "#a", LastSeq = 5 });
        await joining.WaitAsync(Harness.Timeout);
        Task<string> renaming = session.SetNickAsync("al");
        (uint nickId, _) = await first.ExpectAsync<SetNick>();
        await first.SendAsync(nickId, new Ok { Nick = "al" });
        await renaming.WaitAsync(Harness.Timeout);
        await first.SendEventAsync(new Delivered { Room = "#a", From = "bob", Text = "before the drop", Seq = 6 });
        await first.SendEventAsync(new Goodbye { Reason = QuitReason.ServerShuttingDown });
        await first.CloseAsync();

        Assert.Equal("before the drop", (await events.NextOfTypeAsync<RoomMessageEvent>()).Message.Text);
        DisconnectedEvent disconnected = await events.NextOfTypeAsync<DisconnectedEvent>();
        Assert.Equal(QuitReason.ServerShuttingDown, disconnected.Info.Reason);
        Assert.True(disconnected.WillReconnect);
        ReconnectingEvent reconnecting = await events.NextAsync<ReconnectingEvent>();
        Assert.Equal(1, reconnecting.Attempt);

        FakeServer second = await servers.NextAsync();
        Hello hello = await second.AcceptHelloAsync();
        (uint rejoinId, Join rejoin) = await second.ExpectAsync<Join>();
        // Live messages may overtake the replay on the wire; the session still passes them on after it.
        await second.SendEventAsync(new Delivered { Room = "#a", From = "bob", Text = "live", Seq = 10 });
        await second.SendAsync(rejoinId, new Joined { Room = "#a", LastSeq = 9 });
        (uint historyId, History history) = await second.ExpectAsync<History>();
        await second.SendAsync(historyId, new HistoryPage
        {
            Conversation = "#a",
            Messages = { Enumerable.Range(7, 2).Select(i => new Delivered { Room = "#a", From = "bob", Text = $"missed {i}", Seq = (ulong)i }) },
            HasMore = true,
        });
        (uint secondPageId, History secondPage) = await second.ExpectAsync<History>();
        await second.SendAsync(secondPageId, new HistoryPage
        {
            Conversation = "#a",
            Messages = { new Delivered { Room = "#a", From = "bob", Text = "missed 9", Seq = 9 }, new Delivered { Room = "#a", From = "bob", Text = "live", Seq = 10 } },
        });

        Assert.Equal("al", hello.Nick);
        Assert.Equal("#a", rejoin.Room);
        Assert.Equal(("#a", 6ul, true), (history.Conversation, history.Seq, history.Forward));
        Assert.Equal(8ul, secondPage.Seq);
        Assert.Equal("al", (await events.NextOfTypeAsync<ConnectedEvent>()).Nick);
        RejoinedEvent rejoined = await events.NextAsync<RejoinedEvent>();
        Assert.Equal(3ul, rejoined.Missed);
        foreach (string text in new[] { "missed 7", "missed 8", "missed 9" })
        {
            RoomMessageEvent replayed = await events.NextAsync<RoomMessageEvent>();
            Assert.Equal((text, true), (replayed.Message.Text, replayed.Replayed));
        }

        RoomMessageEvent live = await events.NextOfTypeAsync<RoomMessageEvent>();
        Assert.Equal(("live", false), (live.Message.Text, live.Replayed));
        Assert.Equal(ConnectionState.Connected, session.State);

        Task quitting = session.QuitAsync("done");
        Assert.Equal("done", (await second.ExpectAsync<Goodbye>()).Message.Message);
        await second.HangUpAfterClientAsync();
        await quitting.WaitAsync(Harness.Timeout);
        List<ParleyEvent> rest = await events.RestAsync();
        Assert.DoesNotContain(rest, e => e is RoomMessageEvent);
        DisconnectedEvent last = Assert.IsType<DisconnectedEvent>(rest.Last());
        Assert.True(last.Info.Local);
        Assert.False(last.WillReconnect);
        Assert.Equal(2, servers.Attempts);
        Assert.Equal(ConnectionState.Closed, session.State);
    }

    [Fact]
    public async Task Failed_attempts_back_off_exponentially_up_to_the_cap_then_give_up()
    {
        var time = new FakeTimeProvider();
        var servers = new ServerQueue { Refuse = _ => true };
        await using var session = new ParleySession("fake:1", servers.ConnectAsync, new ParleySessionOptions
        {
            Connection = { TimeProvider = time },
            Backoff = new ReconnectBackoff { Jitter = () => 1.0 },
            MaxReconnectAttempts = 9,
        });
        var events = new ChannelReaderAssert(session.Events);
        double[] expected = [0.5, 1, 2, 4, 8, 16, 30, 30, 30];

        session.Start();
        for (int retry = 1; retry <= expected.Length; retry++)
        {
            ReconnectingEvent reconnecting = await events.NextOfTypeAsync<ReconnectingEvent>();
            Assert.Equal(retry, reconnecting.Attempt);
            Assert.Equal(TimeSpan.FromSeconds(expected[retry - 1]), reconnecting.Delay);
            Assert.IsType<SocketException>(reconnecting.LastError);
            Assert.Equal(retry, servers.Attempts);

            time.Advance(reconnecting.Delay - TimeSpan.FromMilliseconds(1));
            Assert.Equal(retry, servers.Attempts);
            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        DisconnectedEvent gaveUp = await events.NextOfTypeAsync<DisconnectedEvent>();
        Assert.False(gaveUp.WillReconnect);
        Assert.Equal(expected.Length + 1, servers.Attempts);
        await session.Events.Completion.WaitAsync(Harness.Timeout);
        Assert.Equal(ConnectionState.Closed, session.State);
    }

    [Fact]
    public async Task An_unsupported_version_stops_the_session_without_retrying()
    {
        var servers = new ServerQueue();
        await using var session = new ParleySession("fake:1", servers.ConnectAsync, new ParleySessionOptions
        {
            Backoff = new ReconnectBackoff { Jitter = () => 0 },
        });
        var events = new ChannelReaderAssert(session.Events);
        session.Start();

        FakeServer server = await servers.NextAsync();
        (uint id, _) = await server.ExpectAsync<Hello>();
        await server.SendAsync(id, new Error { Code = ErrorCode.UnsupportedVersion, Message = "speak v2" });

        DisconnectedEvent disconnected = await events.NextOfTypeAsync<DisconnectedEvent>();
        Assert.False(disconnected.WillReconnect);
        Assert.Equal(ErrorCode.UnsupportedVersion, disconnected.Info.Error);
        await session.Events.Completion.WaitAsync(Harness.Timeout);
        Assert.Equal(1, servers.Attempts);
    }

    [Fact]
    public async Task A_server_ban_at_connect_stops_the_session_without_retrying()
    {
        var servers = new ServerQueue();
        await using var session = new ParleySession("fake:1", servers.ConnectAsync, new ParleySessionOptions
        {
            Backoff = new ReconnectBackoff { Jitter = () => 0 },
        });
        var events = new ChannelReaderAssert(session.Events);
        session.Start();

        FakeServer server = await servers.NextAsync();
        await server.ExpectAsync<Hello>();
        await server.SendEventAsync(new Error { Code = ErrorCode.Banned, Message = "you are banned from this server" });

        DisconnectedEvent disconnected = await events.NextOfTypeAsync<DisconnectedEvent>();
        Assert.False(disconnected.WillReconnect);
        Assert.Equal((ErrorCode.Banned, QuitReason.Banned), (disconnected.Info.Error, disconnected.Info.Reason));
        await session.Events.Completion.WaitAsync(Harness.Timeout);
        Assert.Equal(1, servers.Attempts);
    }

    [Fact]
    public async Task A_room_the_session_was_kicked_from_is_not_rejoined()
    {
        (ParleySession session, ChannelReaderAssert events, ServerQueue servers, FakeServer first) = await InRoomsAsync("#a", "#b");

        await first.SendEventAsync(new Presence { Kind = PresenceKind.Kicked, Room = "#a", Nick = "ALICE", By = "op", Message = "bye" });
        Assert.Equal("op", (await events.NextOfTypeAsync<PresenceEvent>()).Presence.By);
        await first.CloseAsync();

        await RejoinsOnlyAsync(session, events, servers, "#b");
    }

    [Fact]
    public async Task Requests_without_a_connection_fail_at_once()
    {
        await using var session = new ParleySession("fake:1", new ServerQueue().ConnectAsync);

        await Assert.ThrowsAsync<ParleyConnectionException>(() => session.SayAsync("#a", "hello"));
        Assert.Equal(ConnectionState.Idle, session.State);
    }

    [Fact]
    public async Task Parted_rooms_are_not_rejoined()
    {
        (ParleySession session, ChannelReaderAssert events, ServerQueue servers, FakeServer first) = await InRoomsAsync("#a", "#b");

        Task parting = session.PartAsync("#A");
        (uint partId, _) = await first.ExpectAsync<Part>();
        await first.SendAsync(partId, new Ok());
        await parting.WaitAsync(Harness.Timeout);
        await first.CloseAsync();

        await RejoinsOnlyAsync(session, events, servers, "#b");
    }

    [Fact]
    public async Task A_rejoin_refused_as_rate_limited_is_sent_again_after_retry_after_and_the_room_is_kept()
    {
        (ParleySession session, ChannelReaderAssert events, ServerQueue servers) = await InRoomThenDroppedAsync("#a");

        FakeServer second = await servers.NextAsync();
        await second.AcceptHelloAsync();
        (uint refusedId, _) = await second.ExpectAsync<Join>();
        await second.SendAsync(refusedId, new Error { Code = ErrorCode.RateLimited, Message = "too many requests", RetryAfterMs = 1 });
        (uint againId, Join again) = await second.ExpectAsync<Join>();
        await second.SendAsync(againId, new Joined { Room = "#a" });

        Assert.Equal("#a", again.Room);
        Assert.Equal("#a", (await events.NextOfTypeAsync<RejoinedEvent>()).Joined.Room);
        Assert.Equal(["#a"], session.Rooms.Select(r => r.Name));
        Task quitting = session.QuitAsync();
        await second.HangUpAfterClientAsync();
        await quitting.WaitAsync(Harness.Timeout);
    }

    /// <summary>A session as alice, connected to the first server in the queue, in <paramref name="rooms"/>.</summary>
    private static async Task<(ParleySession Session, ChannelReaderAssert Events, ServerQueue Servers, FakeServer First)> InRoomsAsync(params string[] rooms)
    {
        var servers = new ServerQueue();
        var session = new ParleySession("fake:1", servers.ConnectAsync, new ParleySessionOptions
        {
            Connection = { Nick = "alice" },
            Backoff = new ReconnectBackoff { Jitter = () => 0 },
        });
        var events = new ChannelReaderAssert(session.Events);
        session.Start();
        FakeServer first = await servers.NextAsync();
        await first.AcceptHelloAsync();
        await events.NextOfTypeAsync<ConnectedEvent>();
        foreach (string room in rooms)
        {
            Task<Joined> joining = session.JoinAsync(room);
            (uint id, _) = await first.ExpectAsync<Join>();
            await first.SendAsync(id, new Joined { Room = room });
            await joining.WaitAsync(Harness.Timeout);
        }

        return (session, events, servers, first);
    }

    /// <summary>As <see cref="InRoomsAsync"/> in one room, then that first connection drops: the next server in the queue is the one it reconnects to.</summary>
    private static async Task<(ParleySession Session, ChannelReaderAssert Events, ServerQueue Servers)> InRoomThenDroppedAsync(string room)
    {
        (ParleySession session, ChannelReaderAssert events, ServerQueue servers, FakeServer first) = await InRoomsAsync(room);
        await first.CloseAsync();
        return (session, events, servers);
    }

    /// <summary>On the next connection the session rejoins <paramref name="room"/> and nothing else; then it quits.</summary>
    private static async Task RejoinsOnlyAsync(ParleySession session, ChannelReaderAssert events, ServerQueue servers, string room)
    {
        FakeServer second = await servers.NextAsync();
        await second.AcceptHelloAsync();
        (uint rejoinId, Join rejoin) = await second.ExpectAsync<Join>();
        await second.SendAsync(rejoinId, new Joined { Room = room });

        Assert.Equal(room, rejoin.Room);
        Assert.Equal(room, (await events.NextOfTypeAsync<RejoinedEvent>()).Joined.Room);
        Assert.Equal([room], session.Rooms.Select(r => r.Name));
        Task quitting = session.QuitAsync();
        await second.HangUpAfterClientAsync();
        await quitting.WaitAsync(Harness.Timeout);
    }

    /// <summary>A transport factory handing out a fresh <see cref="FakeServer"/> per attempt, or refusing.</summary>
    private sealed class ServerQueue
    {
        private readonly Channel<FakeServer> _accepted = Channel.CreateUnbounded<FakeServer>();
        private int _attempts;

        public Func<int, bool> Refuse { get; init; } = _ => false;

        public int Attempts => Volatile.Read(ref _attempts);

        public ValueTask<IDuplexPipe> ConnectAsync(CancellationToken cancellationToken)
        {
            int attempt = Interlocked.Increment(ref _attempts);
            if (Refuse(attempt))
            {
                throw new SocketException((int)SocketError.ConnectionRefused);
            }

            var server = new FakeServer();
            _accepted.Writer.TryWrite(server);
            return ValueTask.FromResult(server.ClientSide);
        }

        public Task<FakeServer> NextAsync() => _accepted.Reader.ReadAsync().AsTask().WaitAsync(Harness.Timeout);
    }
}
