using Parley.Cli;
using Parley.Cli.Plain;
using Parley.Client;
using Parley.Protocol.Messages;

namespace Parley.Cli.Tests;

public class PlainFormatTests
{
    [Fact]
    public void Room_messages_and_actions()
    {
        Assert.Equal(["[#a] <bob> hello"], Lines(new RoomMessageEvent(new Delivered { Room = "#a", From = "bob", Text = "hello" })));
        Assert.Equal(["[#a] * bob waves"], Lines(new RoomMessageEvent(new Delivered { Room = "#a", From = "bob", Text = "waves", Action = true })));
    }

    [Fact]
    public void A_message_with_line_breaks_prints_one_prefixed_line_per_text_line()
    {
        var e = new RoomMessageEvent(new Delivered { Room = "#a", From = "bob", Text = "one\r\ntwo\nthree" });

        Assert.Equal(["[#a] <bob> one", "[#a] <bob> two", "[#a] <bob> three"], Lines(e));
    }

    [Fact]
    public void Terminal_control_sequences_from_the_network_are_neutralised_everywhere()
    {
        var message = new RoomMessageEvent(new Delivered { Room = "#a", From = "b\u001bob", Text = "\u001b[2Jgone\u202Eevil" });
        var topic = new TopicChangedEvent(new TopicChanged { Room = "#a", Topic = "\u0007bell", By = "x" });

        string line = Assert.Single(Lines(message));
        Assert.DoesNotContain('\u001b', line);
        Assert.DoesNotContain('\u202E', line);
        Assert.Equal("[#a] <b\u241Bob> \u241B[2Jgone\uFFFDevil", line);
        Assert.Equal("[#a] -- topic: \u2407bell (set by x)", Assert.Single(Lines(topic)));
    }

    [Fact]
    public void Direct_messages_read_differently_sent_and_received()
    {
        var received = new DirectMessageEvent(new DirectDelivered { From = "bob", To = "alice", Text = "hi" });
        var sent = new DirectMessageEvent(new DirectDelivered { From = "Alice", To = "bob", Text = "hi back" });
        var action = new DirectMessageEvent(new DirectDelivered { From = "alice", To = "bob", Text = "waves", Action = true });

        Assert.Equal(["[dm] <bob> hi"], Lines(received));
        Assert.Equal(["[dm] -> bob: hi back"], Lines(sent));
        Assert.Equal(["[dm] -> bob: * alice waves"], Lines(action));
    }

    [Theory]
    [InlineData(PresenceKind.Joined, QuitReason.Unspecified, "", "[#a] --> bob joined")]
    [InlineData(PresenceKind.Left, QuitReason.Unspecified, "", "[#a] <-- bob left")]
    [InlineData(PresenceKind.Left, QuitReason.Unspecified, "lunch", "[#a] <-- bob left (lunch)")]
    [InlineData(PresenceKind.Quit, QuitReason.ConnectionLost, "", "[#a] <-- bob quit (connection lost)")]
    [InlineData(PresenceKind.Quit, QuitReason.TimedOut, "", "[#a] <-- bob quit (timed out)")]
    [InlineData(PresenceKind.Quit, QuitReason.SlowConsumer, "", "[#a] <-- bob quit (slow consumer)")]
    [InlineData(PresenceKind.Quit, QuitReason.ServerShuttingDown, "", "[#a] <-- bob quit (server shutting down)")]
    [InlineData(PresenceKind.Quit, QuitReason.ProtocolError, "", "[#a] <-- bob quit (protocol error)")]
    [InlineData(PresenceKind.Quit, QuitReason.Left, "bye all", "[#a] <-- bob quit (left: bye all)")]
    public void Presence_lines(PresenceKind kind, QuitReason reason, string message, string expected)
    {
        var e = new PresenceEvent(new Presence { Kind = kind, Room = "#a", Nick = "bob", Reason = reason, Message = message });

        Assert.Equal([expected], Lines(e));
    }

    [Fact]
    public void Nick_changes_and_topics()
    {
        Assert.Equal(["[#a] -- alice is now known as al"], Lines(new PresenceEvent(new Presence { Kind = PresenceKind.Nick, Room = "#a", Nick = "alice", NewNick = "al" })));
        Assert.Equal(["[#a] -- topic: release on friday (set by alice)"], Lines(new TopicChangedEvent(new TopicChanged { Room = "#a", Topic = "release on friday", By = "alice" })));
        Assert.Equal(["[#a] -- topic cleared (by alice)"], Lines(new TopicChangedEvent(new TopicChanged { Room = "#a", By = "alice" })));
    }

    [Fact]
    public void Connection_states()
    {
        Assert.Equal(["-- connecting to h:1"], Lines(new ConnectingEvent("h:1", 0)));
        Assert.Empty(Lines(new ConnectingEvent("h:1", 3)));
        Assert.Equal(["-- connected to h:1 as alice"], Lines(new ConnectedEvent("h:1", "alice", new Welcome())));
        Assert.Equal(["-- connected to h:1 as alice", "-- motd: hello"], Lines(new ConnectedEvent("h:1", "alice", new Welcome { Motd = "hello" })));
        Assert.Equal(["-- reconnecting in 2.1 s (try 3)"], Lines(new ReconnectingEvent(3, TimeSpan.FromMilliseconds(2080), null)));
        Assert.Equal(["-- disconnected: server shutting down"], Lines(new DisconnectedEvent(new DisconnectInfo(QuitReason.ServerShuttingDown, ""), true)));
        Assert.Equal(["-- disconnected: SERVER_FULL (try later)"], Lines(new DisconnectedEvent(new DisconnectInfo(QuitReason.Unspecified, "try later", ErrorCode.ServerFull), false)));
        Assert.Equal(["[#a] -- rejoined (3 messages while away)"], Lines(new RejoinedEvent(new Joined { Room = "#a" }, 3)));
        Assert.Equal(["[#a] -- rejoined"], Lines(new RejoinedEvent(new Joined { Room = "#a" }, 0)));
        Assert.Equal(["[#a] -- back in #a, remembered for your account (2 unread)"], Lines(new RoomRestoredEvent(new Joined { Room = "#a", LastSeq = 7, ReadSeq = 5 })));
        Assert.Equal(["[#a] -- back in #a, remembered for your account"], Lines(new RoomRestoredEvent(new Joined { Room = "#a", LastSeq = 7 })));
        Assert.Empty(Lines(new ReadMarkerEvent(new ReadMarkerChanged { Conversation = "#a", Seq = 7 })));
    }

    [Fact]
    public void Errors_carry_the_code_name_and_the_retry_delay()
    {
        Assert.Equal("! error NICK_IN_USE: taken", PlainFormat.Error(new ParleyRequestException(ErrorCode.NickInUse, "taken")));
        Assert.Equal("! error RATE_LIMITED: slow down (retry in 1.5 s)",
            PlainFormat.Error(new ParleyRequestException(ErrorCode.RateLimited, "slow down", TimeSpan.FromSeconds(1.5))));
    }

    [Theory]
    [InlineData(ErrorCode.NickInUse, "NICK_IN_USE")]
    [InlineData(ErrorCode.InvalidUtf8, "INVALID_UTF8")]
    [InlineData(ErrorCode.TooManyConnectionsFromAddress, "TOO_MANY_CONNECTIONS_FROM_ADDRESS")]
    [InlineData(ErrorCode.Internal, "INTERNAL")]
    [InlineData((ErrorCode)999, "ERROR_999")]
    public void Error_codes_read_as_in_the_proto(ErrorCode code, string expected)
    {
        Assert.Equal(expected, Words.Of(code));
    }

    [Fact]
    public void Away_back_and_kicked_read_as_one_line_each()
    {
        Assert.Equal(["[#a] -- bob is away (gone to lunch \u241b[2J)"],
            Lines(new PresenceEvent(new Presence { Kind = PresenceKind.Away, Room = "#a", Nick = "bob", Message = "gone to\nlunch \u001b[2J" })));
        Assert.Equal(["[#a] -- bob is back"], Lines(new PresenceEvent(new Presence { Kind = PresenceKind.Back, Room = "#a", Nick = "bob" })));
        Assert.Equal(["[#a] <-- bob was kicked by carol (spam)"],
            Lines(new PresenceEvent(new Presence { Kind = PresenceKind.Kicked, Room = "#a", Nick = "bob", By = "carol", Message = "spam" })));
    }

    [Fact]
    public void Whois_reads_as_one_line_with_what_applies()
    {
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var guest = new WhoisInfo { Nick = "bob", Rooms = { "#a", "#b" }, ConnectedMs = now.AddMinutes(-12).ToUnixTimeMilliseconds(), IdleMs = 42_000 };
        var admin = new WhoisInfo { Nick = "root", Account = "root", AwayMessage = "afk", ConnectedMs = now.AddHours(-26).ToUnixTimeMilliseconds(), IdleMs = 3_900_000, Admin = true };

        Assert.Equal("-- whois bob: rooms #a, #b; connected 12 min ago; idle 42 s", PlainFormat.Whois(guest, now));
        Assert.Equal("-- whois root: account root; no room shared with you; away (afk); connected 1 d 2 h ago; idle 1 h 5 min; server administrator",
            PlainFormat.Whois(admin, now));
    }

    private static List<string> Lines(ParleyEvent e) => [.. PlainFormat.Lines(e, "alice")];
}
