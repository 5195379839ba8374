using Parley.Cli.Plain;
using Parley.Client;
using Parley.Protocol.Messages;

namespace Parley.Cli.Tests;

public class PlainModerationFormatTests
{
    [Fact]
    public void A_kick_names_who_kicked_and_why()
    {
        Assert.Equal(["[#a] <-- bob was kicked by alice (spam)"],
            Lines(new PresenceEvent(new Presence { Kind = PresenceKind.Kicked, Room = "#a", Nick = "bob", By = "alice", Message = "spam" })));
        Assert.Equal(["[#a] <-- bob was kicked by alice"],
            Lines(new PresenceEvent(new Presence { Kind = PresenceKind.Kicked, Room = "#a", Nick = "bob", By = "alice" })));
        Assert.Equal(["[#a] <-- bob quit (banned: spam)"],
            Lines(new PresenceEvent(new Presence { Kind = PresenceKind.Quit, Room = "#a", Nick = "bob", Reason = QuitReason.Banned, Message = "spam" })));
    }

    [Fact]
    public void Modes_roles_mutes_and_invitations_read_as_one_line_each()
    {
        long until = new DateTimeOffset(2026, 11, 23, 12, 5, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

        Assert.Equal(["[#a] -- mode +i -t (by alice)"],
            Lines(new RoomModeChangedEvent(new RoomModeChanged { Room = "#a", Modes = new RoomModes { InviteOnly = true }, By = "alice" })));
        Assert.Equal(["[#a] -- bob: operator, not muted (by alice)"],
            Lines(new MemberChangedEvent(new MemberChanged { Room = "#a", Nick = "bob", Role = MemberRole.Operator, By = "alice" })));
        Assert.Equal(["[#a] -- bob: member, muted until 2026-11-23 12:05 UTC (by alice)"],
            Lines(new MemberChangedEvent(new MemberChanged { Room = "#a", Nick = "bob", Muted = true, MutedUntilMs = until, By = "alice" })));
        Assert.Equal(["[#a] -- bob: member, not muted"],
            Lines(new MemberChangedEvent(new MemberChanged { Room = "#a", Nick = "bob" })));
        Assert.Equal(["-- carol invites you to #b"], Lines(new InvitedEvent(new Invited { Room = "#b", By = "carol" })));
    }

    [Fact]
    public void A_ban_list_prints_a_head_and_one_line_per_ban()
    {
        var list = new BanList
        {
            Room = "#a",
            Bans =
            {
                new BanEntry { Mask = "account:x", By = "alice", Reason = "spam\u001b[2J" },
                new BanEntry { Mask = "address:203.0.113.0/24", By = "bob", ExpiresMs = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() },
            },
        };

        Assert.Equal(
            ["[#a] -- bans (2):", "--   account:x by alice: spam\u241b[2J", "--   address:203.0.113.0/24 by bob, until 2026-12-01 00:00 UTC"],
            PlainFormat.Bans(list));
        Assert.Equal(["-- server bans (0):"], PlainFormat.Bans(new BanList()));
    }

    [Theory]
    [InlineData("+i", true, null)]
    [InlineData("-t", null, false)]
    [InlineData("+it", true, true)]
    [InlineData("+i -t", true, false)]
    public void Mode_flags_set_or_clear_only_what_they_name(string text, bool? inviteOnly, bool? topicLocked)
    {
        Assert.True(ModeFlags.TryParse(text, out bool? i, out bool? t, out _));
        Assert.Equal((inviteOnly, topicLocked), (i, t));
    }

    [Theory]
    [InlineData("")]
    [InlineData("i")]
    [InlineData("+x")]
    [InlineData("+")]
    public void Other_mode_text_is_refused_with_a_reason(string text)
    {
        Assert.False(ModeFlags.TryParse(text, out _, out _, out string error));
        Assert.NotEmpty(error);
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("10m", 600)]
    [InlineData("2H", 7200)]
    [InlineData("7d", 604800)]
    [InlineData("1w", 604800)]
    public void Durations_read_a_number_and_a_unit(string text, int seconds)
    {
        Assert.True(Durations.TryParse(text, out TimeSpan duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("m")]
    [InlineData("0m")]
    [InlineData("-5m")]
    [InlineData("5")]
    [InlineData("5y")]
    [InlineData("99999999d")]
    [InlineData("spam")]
    public void Anything_else_is_not_a_duration(string text) => Assert.False(Durations.TryParse(text, out _));

    private static List<string> Lines(ParleyEvent e) => [.. PlainFormat.Lines(e, "me")];
}
