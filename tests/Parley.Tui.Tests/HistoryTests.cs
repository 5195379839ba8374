using Parley.Client;
using Parley.Protocol.Messages;
using Parley.Tui.Input;
using Parley.Tui.Model;
using Parley.Tui.Tests.Support;

namespace Parley.Tui.Tests;

/// <summary>The backlog on join, unread direct conversations at start, and read markers.</summary>
public sealed class HistoryTests
{
    private static Delivered Message(int seq, DateTimeOffset at, string from = "bob") =>
        new() { Room = "#a", From = from, Text = $"m{seq}", Seq = (ulong)seq, MessageId = (ulong)(1000 + seq), TimestampMs = at.ToUnixTimeMilliseconds() };

    /// <summary>A room #a with <paramref name="count"/> stored messages from yesterday evening, one a minute.</summary>
    private static Chat WithHistory(int count, ulong readSeq = 0)
    {
        var chat = new Chat();
        DateTimeOffset yesterday = Chat.Start.AddHours(-12);
        chat.Backend.RoomHistory["#a"] = [.. Enumerable.Range(1, count).Select(i => Message(i, yesterday.AddMinutes(i)))];
        chat.Backend.RoomSeqs = ((ulong)count, readSeq);
        return chat;
    }

    private static void Live(Chat chat, int seq) => chat.Model.Apply(new RoomMessageEvent(Message(seq, chat.Time.GetUtcNow())));

    [Fact]
    public void Joining_a_room_shows_its_last_50_messages_in_order_above_the_join_with_a_day_separator()
    {
        Chat chat = WithHistory(60);

        chat.Join("#a", "alice", "bob");

        Assert.Contains("backlog #a 60 50", chat.Backend.Calls);
        Assert.Equal([.. Enumerable.Range(11, 50).Select(i => $"<bob> m{i}"), "you joined #a (2 members)", "no topic"], chat.Lines);
        Assert.Equal(0, chat.Current.Unread);
        string screen = chat.Screen(100, 60);
        Assert.Contains("─── Sunday 22 November 2026", screen, StringComparison.Ordinal);
        Assert.Contains("─── Monday 23 November 2026", screen, StringComparison.Ordinal);
        Assert.True(
            screen.IndexOf("<bob> m60", StringComparison.Ordinal) < screen.IndexOf("Monday 23 November", StringComparison.Ordinal),
            "the day separator sits between yesterday's backlog and today's lines");
    }

    [Fact]
    public void A_live_message_that_beats_the_backlog_stays_below_it_and_no_message_shows_twice()
    {
        Chat chat = WithHistory(60);
        chat.Backend.HoldBacklogs = new TaskCompletionSource();
        chat.Join("#a", "alice", "bob");
        Live(chat, 61);

        chat.Backend.HoldBacklogs.SetResult();
        // A replay after a reconnect may bring back what is already shown.
        chat.Model.Apply(new RoomMessageEvent(Message(61, chat.Time.GetUtcNow()), Replayed: true));
        chat.Model.Apply(new RoomMessageEvent(Message(60, chat.Time.GetUtcNow()), Replayed: true));

        Assert.Equal([.. Enumerable.Range(11, 50).Select(i => $"<bob> m{i}"), "you joined #a (2 members)", "no topic", "<bob> m61"], chat.Lines);
    }

    [Fact]
    public void A_backlog_lost_with_the_connection_is_asked_for_again_on_the_rejoin_and_goes_where_it_belongs()
    {
        Chat chat = WithHistory(60);
        chat.Backend.HoldBacklogs = new TaskCompletionSource();
        chat.Join("#a", "alice", "bob");
        chat.Backend.Fail = new ParleyConnectionException("the connection closed");
        chat.Backend.HoldBacklogs.SetResult();
        chat.Backend.HoldBacklogs = null;
        chat.Backend.Fail = null;
        Assert.Equal(["you joined #a (2 members)", "no topic"], chat.Lines);

        var joined = new Joined { Room = "#a", LastSeq = 62, Members = { "alice", "bob" } };
        chat.Model.Apply(new RejoinedEvent(joined, Missed: 2));
        chat.Model.Apply(new RoomMessageEvent(Message(61, chat.Time.GetUtcNow()), Replayed: true));
        chat.Model.Apply(new RoomMessageEvent(Message(62, chat.Time.GetUtcNow()), Replayed: true));

        Assert.Equal(2, chat.Backend.Calls.Count(c => c == "backlog #a 60 50"));
        Assert.Equal(
            [.. Enumerable.Range(11, 50).Select(i => $"<bob> m{i}"), "you joined #a (2 members)", "no topic", "rejoined #a (2 messages while away)", "<bob> m61", "<bob> m62"],
            chat.Lines);
    }

    [Fact]
    public void The_read_marker_from_the_server_sits_after_the_last_message_read()
    {
        Chat chat = WithHistory(60, readSeq: 55);

        chat.Join("#a", "alice", "bob");

        string[] rows = chat.Screen(100, 40).Split('\n');
        int marker = Array.FindIndex(rows, r => r.Contains("─── new", StringComparison.Ordinal));
        Assert.True(marker > 0, "a read marker is drawn");
        Assert.Contains("<bob> m55", rows[marker - 1], StringComparison.Ordinal);
        Assert.Contains("<bob> m56", rows[marker + 1], StringComparison.Ordinal);
    }

    [Fact]
    public void No_read_marker_when_everything_or_nothing_was_read()
    {
        Chat all = WithHistory(60, readSeq: 60);
        all.Join("#a", "alice", "bob");
        Chat none = WithHistory(60, readSeq: 0);
        none.Join("#a", "alice", "bob");

        Assert.Null(all.Current.ReadMarker);
        Assert.Null(none.Current.ReadMarker);
    }

    [Fact]
    public void Mark_read_goes_out_once_two_seconds_after_the_end_was_seen_not_once_per_message()
    {
        Chat chat = WithHistory(60, readSeq: 55);
        chat.Join("#a", "alice", "bob");
        chat.Model.Tick();
        chat.Time.Advance(TimeSpan.FromSeconds(1));
        for (int i = 61; i <= 160; i++)
        {
            Live(chat, i);
        }

        chat.Model.Tick();
        Assert.DoesNotContain(chat.Backend.Calls, c => c.StartsWith("mark", StringComparison.Ordinal));

        chat.Time.Advance(TimeSpan.FromSeconds(1));
        chat.Model.Tick();
        chat.Time.Advance(TimeSpan.FromSeconds(5));
        chat.Model.Tick();

        Assert.Equal(["mark #a 160"], chat.Backend.Calls.Where(c => c.StartsWith("mark", StringComparison.Ordinal)));
    }

    [Fact]
    public void What_arrives_while_the_buffer_is_hidden_or_scrolled_up_is_not_marked_read()
    {
        Chat chat = WithHistory(60, readSeq: 60);
        chat.Join("#a", "alice", "bob").Press(KeyStroke.Alt('1'));
        Live(chat, 61);
        chat.Model.Tick();
        chat.Time.Advance(TimeSpan.FromSeconds(3));
        chat.Model.Tick();
        Assert.DoesNotContain(chat.Backend.Calls, c => c.StartsWith("mark", StringComparison.Ordinal));

        chat.Press(KeyStroke.Alt('2')).Press(KeyName.PageUp);
        chat.Model.Tick();
        chat.Time.Advance(TimeSpan.FromSeconds(3));
        chat.Model.Tick();
        Assert.DoesNotContain(chat.Backend.Calls, c => c.StartsWith("mark", StringComparison.Ordinal));

        chat.Press(KeyName.End, KeyMods.Ctrl);
        chat.Model.Tick();
        chat.Time.Advance(TimeSpan.FromSeconds(3));
        chat.Model.Tick();
        Assert.Equal(["mark #a 61"], chat.Backend.Calls.Where(c => c.StartsWith("mark", StringComparison.Ordinal)));
    }

    [Fact]
    public void Quit_marks_what_was_seen_before_saying_goodbye()
    {
        Chat chat = WithHistory(60, readSeq: 60);
        chat.Join("#a", "alice", "bob");
        Live(chat, 61);

        chat.Enter("/quit");

        Assert.Equal("mark #a 61", chat.Backend.Calls[^1]);
        Assert.True(chat.Backend.QuitCalled);
    }

    [Fact]
    public void Unread_direct_conversations_at_start_open_as_buffers_with_their_counts_and_the_marker()
    {
        var chat = new Chat(connect: false);
        chat.Backend.DirectHistory["bob"] =
        [
            .. Enumerable.Range(1, 5).Select(i => new DirectDelivered
            {
                From = i == 1 ? "alice" : "Bob", To = i == 1 ? "Bob" : "alice", Text = $"d{i}", Seq = (ulong)i, MessageId = (ulong)(2000 + i),
                TimestampMs = Chat.Start.AddMinutes(-10 + i).ToUnixTimeMilliseconds(),
            }),
        ];
        var welcome = new Welcome { Nick = "alice", Unread = { new UnreadConversation { Peer = "bob", LastSeq = 5, ReadSeq = 2, UnreadCount = 3 } } };

        chat.Model.Apply(new ConnectedEvent("127.0.0.1:7275", "alice", welcome));

        Assert.Contains("direct-backlog bob 5 50", chat.Backend.Calls);
        ChatBuffer bob = Assert.Single(chat.Model.Buffers.All, b => b.Kind == BufferKind.Direct);
        Assert.Equal(("Bob", 3, true), (bob.Name, bob.Unread, bob.Highlighted));
        Assert.Contains(" 3*", chat.Screen(), StringComparison.Ordinal);
        Assert.Equal(["<alice> d1", "<Bob> d2", "<Bob> d3", "<Bob> d4", "<Bob> d5"], bob.Lines.Select(l => l.ToString()));
        Assert.Equal(2, bob.ReadMarker);
        Assert.Contains(chat.Model.Buffers.Server.Lines, l => l.ToString() == "3 unread direct messages from bob (buffer 2)");

        chat.Press(KeyStroke.Alt('2'));
        chat.Model.Tick();
        chat.Time.Advance(TimeSpan.FromSeconds(2));
        chat.Model.Tick();
        Assert.Equal("mark Bob 5", chat.Backend.Calls[^1]);
    }
}

/// <summary>What follows the user across devices and restarts: remembered rooms and read markers moved elsewhere.</summary>
public sealed class AcrossDevicesTests
{
    private static Delivered Message(int seq, DateTimeOffset at) =>
        new() { Room = "#a", From = "bob", Text = $"m{seq}", Seq = (ulong)seq, MessageId = (ulong)(1000 + seq), TimestampMs = at.ToUnixTimeMilliseconds() };

    [Fact]
    public void A_remembered_room_opens_its_buffer_in_the_background_with_its_backlog_and_unread_count()
    {
        var chat = new Chat();
        chat.Backend.RoomHistory["#a"] = [.. Enumerable.Range(1, 8).Select(i => Message(i, Chat.Start.AddMinutes(-30 + i)))];

        chat.Model.Apply(new RoomRestoredEvent(new Joined { Room = "#a", Members = { "alice", "bob" }, MemberCount = 2, LastSeq = 8, ReadSeq = 5, Topic = "t" }));

        ChatBuffer a = Assert.Single(chat.Model.Buffers.All, b => b.Kind == BufferKind.Room);
        Assert.Same(chat.Model.Buffers.Server, chat.Current);
        Assert.Contains("backlog #a 8 50", chat.Backend.Calls);
        Assert.Equal([.. Enumerable.Range(1, 8).Select(i => $"<bob> m{i}"), "back in #a (2 members)", "topic: t"], a.Lines.Select(l => l.ToString()));
        Assert.Equal((3, 5), (a.Unread, a.ReadMarker));
        Assert.Matches(@"2\.#a +3│", chat.Screen());
    }

    [Fact]
    public void A_marker_moved_on_another_device_clears_the_unread_count_and_is_not_sent_back()
    {
        var chat = new Chat();
        chat.Join("#a", "alice", "bob");
        chat.Join("#b", "alice");
        for (int i = 1; i <= 4; i++)
        {
            chat.Model.Apply(new RoomMessageEvent(Message(i, chat.Time.GetUtcNow())));
        }

        ChatBuffer a = chat.Model.Buffers.Find(BufferKind.Room, "#a")!;
        Assert.Equal(4, a.Unread);

        chat.Model.Apply(new ReadMarkerEvent(new ReadMarkerChanged { Conversation = "#A", Seq = 3 }));
        Assert.Equal(1, a.Unread);
        chat.Model.Apply(new ReadMarkerEvent(new ReadMarkerChanged { Conversation = "#a", Seq = 4 }));
        Assert.Equal((0, false), (a.Unread, a.Highlighted));

        chat.Model.Tick();
        chat.Time.Advance(TimeSpan.FromSeconds(3));
        chat.Model.Tick();
        Assert.DoesNotContain(chat.Backend.Calls, c => c.StartsWith("mark #a", StringComparison.Ordinal));
    }

    [Fact]
    public void A_remembered_room_that_can_not_be_joined_is_reported_in_the_server_buffer()
    {
        var chat = new Chat();

        chat.Model.Apply(new RejoinFailedEvent("#gone", new ParleyRequestException(ErrorCode.Banned, "banned from #gone")));

        Assert.Contains(chat.Model.Buffers.Server.Lines, l => l.ToString().StartsWith("could not join #gone:", StringComparison.Ordinal));
        Assert.DoesNotContain(chat.Model.Buffers.All, b => b.Kind == BufferKind.Room);
    }
}
