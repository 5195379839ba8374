using Microsoft.Extensions.Time.Testing;
using Parley.Protocol.Messages;
using Parley.TestUtilities;

namespace Parley.Client.Tests;

public class RequestTests
{
    [Fact]
    public async Task A_reply_completes_the_request_with_the_same_id()
    {
        await using Harness h = await Harness.ConnectAsync();

        Task<Joined> joining = h.Connection.JoinAsync("#a");
        (uint id, Join join) = await h.Server.ExpectAsync<Join>();
        await h.Server.SendAsync(id, new Joined { Room = "#a", Topic = "hi", Members = { "alice", "bob" }, LastSeq = 7 });

        Joined joined = await joining.WaitAsync(Harness.Timeout);
        Assert.NotEqual(0u, id);
        Assert.Equal("#a", join.Room);
        Assert.Equal(["alice", "bob"], joined.Members);
        Assert.Equal(7ul, joined.LastSeq);
    }

    [Fact]
    public async Task Replies_in_any_order_complete_the_right_requests()
    {
        await using Harness h = await Harness.ConnectAsync();

        Task<Joined> joinA = h.Connection.JoinAsync("#a");
        Task<Joined> joinB = h.Connection.JoinAsync("#b");
        Task<Members> names = h.Connection.NamesAsync("#c");
        (uint idA, _) = await h.Server.ExpectAsync<Join>();
        (uint idB, _) = await h.Server.ExpectAsync<Join>();
        (uint idC, _) = await h.Server.ExpectAsync<Names>();

        await h.Server.SendAsync(idC, new Members { Room = "#c", Members_ = { "carol" } });
        await h.Server.SendAsync(idB, new Joined { Room = "#b" });
        await h.Server.SendAsync(idA, new Joined { Room = "#a" });

        Assert.Equal("#a", (await joinA.WaitAsync(Harness.Timeout)).Room);
        Assert.Equal("#b", (await joinB.WaitAsync(Harness.Timeout)).Room);
        Assert.Equal("carol", Assert.Single((await names.WaitAsync(Harness.Timeout)).Members_));
        Assert.Equal(3, new HashSet<uint> { idA, idB, idC }.Count);
    }

    [Fact]
    public async Task An_error_reply_surfaces_its_code_and_retry_after()
    {
        await using Harness h = await Harness.ConnectAsync();

        Task<Sent> saying = h.Connection.SayAsync("#a", "hello");
        (uint id, Say say) = await h.Server.ExpectAsync<Say>();
        await h.Server.SendAsync(id, new Error { Code = ErrorCode.RateLimited, Message = "slow down", RetryAfterMs = 1500 });

        var ex = await Assert.ThrowsAsync<ParleyRequestException>(() => saying.WaitAsync(Harness.Timeout));
        Assert.Equal(ErrorCode.RateLimited, ex.Code);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), ex.RetryAfter);
        Assert.Equal("slow down", ex.Message);
        Assert.False(string.IsNullOrEmpty(say.ClientMsgId));
        Assert.True(h.Connection.IsOpen);
    }

    [Fact]
    public async Task A_request_without_a_reply_times_out_and_a_late_reply_is_ignored()
    {
        var time = new FakeTimeProvider();
        await using Harness h = await Harness.ConnectAsync(
            new ParleyConnectionOptions { Nick = "alice", RequestTimeout = TimeSpan.FromSeconds(5), TimeProvider = time });

        Task<Joined> joining = h.Connection.JoinAsync("#a");
        (uint id, _) = await h.Server.ExpectAsync<Join>();
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(joining.IsCompleted);
        await Poll.UntilAsync(() => { time.Advance(TimeSpan.FromSeconds(1)); return joining.IsCompleted; }, "the join times out");

        await Assert.ThrowsAsync<ParleyTimeoutException>(() => joining);
        await h.Server.SendAsync(id, new Joined { Room = "#a" });
        Task<Sent> saying = h.Connection.SayAsync("#a", "still here");
        (uint sayId, _) = await h.Server.ExpectAsync<Say>();
        await h.Server.SendAsync(sayId, new Sent { Seq = 1 });
        Assert.Equal(1ul, (await saying.WaitAsync(Harness.Timeout)).Seq);
    }

    [Fact]
    public async Task Cancelling_a_request_abandons_only_that_request()
    {
        await using Harness h = await Harness.ConnectAsync();
        using var cts = new CancellationTokenSource();

        Task<Joined> joining = h.Connection.JoinAsync("#a", cts.Token);
        await h.Server.ExpectAsync<Join>();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => joining);
        Assert.True(h.Connection.IsOpen);
    }

    [Fact]
    public async Task Ping_measures_the_round_trip_and_checks_the_nonce()
    {
        await using Harness h = await Harness.ConnectAsync();

        Task<TimeSpan> pinging = h.Connection.PingAsync();
        (uint id, Ping ping) = await h.Server.ExpectAsync<Ping>();
        await h.Server.SendAsync(id, new Pong { Nonce = ping.Nonce });

        Assert.True(await pinging.WaitAsync(Harness.Timeout) >= TimeSpan.Zero);
    }

    [Fact]
    public async Task SetNick_adopts_the_nick_the_server_returns()
    {
        await using Harness h = await Harness.ConnectAsync();

        Task<string> renaming = h.Connection.SetNickAsync("AL");
        (uint id, SetNick setNick) = await h.Server.ExpectAsync<SetNick>();
        await h.Server.SendAsync(id, new Ok { Nick = "Al" });

        Assert.Equal("AL", setNick.Nick);
        Assert.Equal("Al", await renaming.WaitAsync(Harness.Timeout));
        Assert.Equal("Al", h.Connection.Nick);
    }
}
