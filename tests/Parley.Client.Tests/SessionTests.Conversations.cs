using Parley.Protocol.Messages;

namespace Parley.Client.Tests;

// Away state across reconnects, and backlogs read backwards through History.
public partial class SessionTests
{
    [Fact]
    public async Task Away_is_set_again_on_a_new_connection_before_the_rooms_are_rejoined()
    {
        (ParleySession session, ChannelReaderAssert events, ServerQueue servers, FakeServer first) = await InRoomsAsync("#a");

        Task away = session.SetAwayAsync("lunch");
        (uint awayId, SetAway set) = await first.ExpectAsync<SetAway>();
        await first.SendAsync(awayId, new Ok());
        await away.WaitAsync(Harness.Timeout);
        await first.CloseAsync();

        FakeServer second = await servers.NextAsync();
        await second.AcceptHelloAsync();
        (uint againId, SetAway again) = await second.ExpectAsync<SetAway>();
        await second.SendAsync(againId, new Ok());
        (uint rejoinId, Join rejoin) = await second.ExpectAsync<Join>();
        await second.SendAsync(rejoinId, new Joined { Room = "#a" });
        await events.NextOfTypeAsync<RejoinedEvent>();

        Assert.Equal(("lunch", "lunch", "#a"), (set.Message, again.Message, rejoin.Room));
        Assert.Equal("lunch", session.AwayMessage);

        Task back = session.SetAwayAsync("  ");
        (uint backId, SetAway cleared) = await second.ExpectAsync<SetAway>();
        await second.SendAsync(backId, new Ok());
        await back.WaitAsync(Harness.Timeout);
        Assert.Equal(string.Empty, cleared.Message);
        Assert.Null(session.AwayMessage);
        Task quitting = session.QuitAsync();
        await second.HangUpAfterClientAsync();
        await quitting.WaitAsync(Harness.Timeout);
    }

    [Fact]
    public async Task Away_set_without_a_connection_is_kept_and_set_on_the_first_one()
    {
        var servers = new ServerQueue();
        var session = new ParleySession("fake:1", servers.ConnectAsync, new ParleySessionOptions { Connection = { Nick = "alice" } });

        await session.SetAwayAsync("not here yet");
        session.Start();
        FakeServer server = await servers.NextAsync();
        await server.AcceptHelloAsync();
        (uint id, SetAway set) = await server.ExpectAsync<SetAway>();
        await server.SendAsync(id, new Ok());

        Assert.Equal("not here yet", set.Message);
        Task quitting = session.QuitAsync();
        await server.HangUpAfterClientAsync();
        await quitting.WaitAsync(Harness.Timeout);
    }

    [Fact]
    public async Task A_backlog_is_read_backwards_page_by_page_and_returned_oldest_first()
    {
        var servers = new ServerQueue();
        var session = new ParleySession("fake:1", servers.ConnectAsync, new ParleySessionOptions { Connection = { Nick = "alice" } });
        var events = new ChannelReaderAssert(session.Events);
        session.Start();
        FakeServer server = await servers.NextAsync();
        await server.AcceptHelloAsync();
        await events.NextOfTypeAsync<ConnectedEvent>();

        Task<IReadOnlyList<Delivered>> reading = session.RoomBacklogAsync("#a", throughSeq: 300, count: 250);
        (uint firstId, History first) = await server.ExpectAsync<History>();
        await server.SendAsync(firstId, Page(first.Seq - first.Limit, first.Seq - 1, hasMore: true));
        (uint secondId, History second) = await server.ExpectAsync<History>();
        await server.SendAsync(secondId, Page(second.Seq - second.Limit, second.Seq - 1, hasMore: true));
        IReadOnlyList<Delivered> backlog = await reading.WaitAsync(Harness.Timeout);

        Assert.Equal(("#a", 301ul, false, 200u), (first.Conversation, first.Seq, first.Forward, first.Limit));
        Assert.Equal((101ul, false, 50u), (second.Seq, second.Forward, second.Limit));
        Assert.Equal(Enumerable.Range(51, 250).Select(i => (ulong)i), backlog.Select(m => m.Seq));
        Assert.Empty(await session.RoomBacklogAsync("#empty", throughSeq: 0, count: 50));
        Task quitting = session.QuitAsync();
        Assert.IsType<Goodbye>((await server.TryReadAsync())!.Value.Message);
        await server.HangUpAfterClientAsync();
        await quitting.WaitAsync(Harness.Timeout);
    }

    private static HistoryPage Page(ulong from, ulong to, bool hasMore) => new()
    {
        Conversation = "#a",
        Messages = { Enumerable.Range((int)from, (int)(to - from + 1)).Select(i => new Delivered { Room = "#a", From = "bob", Text = $"m{i}", Seq = (ulong)i }) },
        HasMore = hasMore,
    };
}

// Rooms the server remembers for the account (Welcome.rooms).
public partial class SessionTests
{
    [Fact]
    public async Task Remembered_rooms_are_joined_after_the_sessions_own_and_one_refused_is_reported()
    {
        (ParleySession session, ChannelReaderAssert events, ServerQueue servers) = await InRoomThenDroppedAsync("#own");

        // The server lists the session's own room among the account's: rejoined once, first, as before.
        FakeServer second = await servers.NextAsync();
        await second.AcceptHelloAsync(rooms: ["#kept", "#own", "#gone"]);
        var joins = new List<string>();
        (uint rejoinId, Join rejoin) = await second.ExpectAsync<Join>();
        joins.Add(rejoin.Room);
        await second.SendAsync(rejoinId, new Joined { Room = "#own" });
        (uint keptId, Join kept) = await second.ExpectAsync<Join>();
        joins.Add(kept.Room);
        await second.SendAsync(keptId, new Joined { Room = "#Kept", LastSeq = 9, ReadSeq = 4 });
        (uint goneId, Join gone) = await second.ExpectAsync<Join>();
        joins.Add(gone.Room);
        await second.SendAsync(goneId, new Error { Code = ErrorCode.Banned, Message = "banned from #gone" });

        Assert.Equal(["#own", "#kept", "#gone"], joins);
        Assert.Equal("#own", (await events.NextOfTypeAsync<RejoinedEvent>()).Joined.Room);
        RoomRestoredEvent restored = await events.NextOfTypeAsync<RoomRestoredEvent>();
        Assert.Equal(("#Kept", 9ul, 4ul), (restored.Joined.Room, restored.Joined.LastSeq, restored.Joined.ReadSeq));
        Assert.Equal(ErrorCode.Banned, (await events.NextOfTypeAsync<RejoinFailedEvent>()).Error.Code);
        Assert.Equal(["#own", "#Kept"], session.Rooms.Select(r => r.Name));

        Task quitting = session.QuitAsync();
        await second.HangUpAfterClientAsync();
        await quitting.WaitAsync(Harness.Timeout);
    }

    [Fact]
    public async Task A_session_told_not_to_joins_no_remembered_room()
    {
        var servers = new ServerQueue();
        var session = new ParleySession("fake:1", servers.ConnectAsync, new ParleySessionOptions
        {
            Connection = { Nick = "bot" },
            JoinRememberedRooms = false,
        });
        var events = new ChannelReaderAssert(session.Events);
        session.Start();
        FakeServer server = await servers.NextAsync();
        await server.AcceptHelloAsync(rooms: ["#noise"]);
        await events.NextOfTypeAsync<ConnectedEvent>();

        Task<Joined> joining = session.JoinAsync("#work");
        (uint id, Join first) = await server.ExpectAsync<Join>();
        await server.SendAsync(id, new Joined { Room = "#work" });
        await joining.WaitAsync(Harness.Timeout);

        Assert.Equal("#work", first.Room);
        Task quitting = session.QuitAsync();
        await server.HangUpAfterClientAsync();
        await quitting.WaitAsync(Harness.Timeout);
    }
}
