using Parley.Protocol.Messages;

namespace Parley.Client.Tests;

public class ModerationTests
{
    [Theory]
    [InlineData("bob", "bob", "", "")]
    [InlineData("account:Alice", "", "Alice", "")]
    [InlineData("ADDRESS:203.0.113.0/24", "", "", "203.0.113.0/24")]
    public void A_typed_ban_target_names_a_nick_an_account_or_an_address(string typed, string nick, string account, string address)
    {
        Assert.True(BanTarget.TryParse(typed, out BanTarget? target));
        Assert.Equal((nick, account, address), (target.Nick, target.Account, target.Address));
    }

    [Theory]
    [InlineData("")]
    [InlineData("account:")]
    [InlineData("address:")]
    [InlineData("two words")]
    public void An_empty_or_spaced_ban_target_is_refused(string typed) => Assert.False(BanTarget.TryParse(typed, out _));

    [Fact]
    public async Task Ban_sends_the_target_duration_and_reason_and_completes_on_Ok()
    {
        await using Harness h = await Harness.ConnectAsync();

        Task banning = h.Connection.BanAsync("#a", BanTarget.OfAddress("198.51.100.0/24"), TimeSpan.FromHours(2), "flood");
        (uint id, Ban ban) = await h.Server.ExpectAsync<Ban>();
        await h.Server.SendAsync(id, new Ok());

        await banning.WaitAsync(Harness.Timeout);
        Assert.Equal(("#a", "", "", "198.51.100.0/24", 7_200_000ul, "flood"), (ban.Room, ban.Nick, ban.Account, ban.Address, ban.DurationMs, ban.Reason));
    }

    [Fact]
    public async Task SetRoomMode_sends_only_the_modes_given()
    {
        await using Harness h = await Harness.ConnectAsync();

        Task setting = h.Connection.SetRoomModeAsync("#a", topicLocked: true);
        (uint id, SetRoomMode mode) = await h.Server.ExpectAsync<SetRoomMode>();
        await h.Server.SendAsync(id, new Ok());

        await setting.WaitAsync(Harness.Timeout);
        Assert.False(mode.HasInviteOnly);
        Assert.True(mode.HasTopicLocked);
        Assert.True(mode.TopicLocked);
    }

    [Fact]
    public async Task A_refusal_surfaces_as_its_error_code_and_the_ban_list_as_sent()
    {
        await using Harness h = await Harness.ConnectAsync();

        Task kicking = h.Connection.KickAsync("#a", "bob", "bye");
        (uint kickId, Kick kick) = await h.Server.ExpectAsync<Kick>();
        await h.Server.SendAsync(kickId, new Error { Code = ErrorCode.NotAuthorized, Message = "you are not an operator of #a" });
        Task<BanList> listing = h.Connection.ListBansAsync("#a");
        (uint listId, _) = await h.Server.ExpectAsync<ListBans>();
        await h.Server.SendAsync(listId, new BanList { Room = "#a", Bans = { new BanEntry { Mask = "account:x", By = "alice" } } });

        var refused = await Assert.ThrowsAsync<ParleyRequestException>(() => kicking.WaitAsync(Harness.Timeout));
        Assert.Equal(ErrorCode.NotAuthorized, refused.Code);
        Assert.Equal(("bob", "bye"), (kick.Nick, kick.Reason));
        Assert.Equal("account:x", Assert.Single((await listing.WaitAsync(Harness.Timeout)).Bans).Mask);
    }

    [Fact]
    public async Task Moderation_events_reach_the_event_stream()
    {
        await using Harness h = await Harness.ConnectAsync();

        await h.Server.SendEventAsync(new MemberChanged { Room = "#a", Nick = "bob", Muted = true, By = "alice" });
        await h.Server.SendEventAsync(new RoomModeChanged { Room = "#a", Modes = new RoomModes { InviteOnly = true }, By = "alice" });
        await h.Server.SendEventAsync(new Invited { Room = "#b", By = "carol" });

        Assert.True((await h.Connection.Events.ReadAsync().AsTask().WaitAsync(Harness.Timeout)) is MemberChangedEvent { Change.Muted: true });
        Assert.True((await h.Connection.Events.ReadAsync().AsTask().WaitAsync(Harness.Timeout)) is RoomModeChangedEvent { Change.Modes.InviteOnly: true });
        Assert.True((await h.Connection.Events.ReadAsync().AsTask().WaitAsync(Harness.Timeout)) is InvitedEvent { Invitation.Room: "#b" });
    }

    [Fact]
    public void A_ban_is_fatal_to_reconnecting()
    {
        Assert.True(new DisconnectInfo(QuitReason.Banned, "banned from this server").IsFatal);
        Assert.True(new DisconnectInfo(QuitReason.Unspecified, "you are banned", ErrorCode.Banned).IsFatal);
        Assert.Equal("banned", ProtocolNames.Of(QuitReason.Banned));
    }
}
