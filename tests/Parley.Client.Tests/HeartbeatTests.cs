using Microsoft.Extensions.Time.Testing;
using Parley.Protocol.Messages;
using Parley.TestUtilities;

namespace Parley.Client.Tests;

public class HeartbeatTests
{
    private static readonly ServerLimits Limits = new() { PingIntervalMs = 10_000, IdleTimeoutMs = 30_000 };

    [Fact]
    public async Task The_client_pings_after_a_ping_interval_of_silence_and_an_answer_keeps_it_open()
    {
        var time = new FakeTimeProvider();
        await using Harness h = await Harness.ConnectAsync(new ParleyConnectionOptions { TimeProvider = time }, Limits);

        time.Advance(TimeSpan.FromSeconds(10));
        (uint id, Ping ping) = await h.Server.ExpectAsync<Ping>();
        await h.Server.SendAsync(id, new Pong { Nonce = ping.Nonce });
        // Frames are handled in order: once this event is out, the pong has been read.
        await h.Server.SendEventAsync(new Delivered { Room = "#a", Seq = 1 });
        await new ChannelReaderAssert(h.Connection.Events).NextAsync<RoomMessageEvent>();

        // 35 s after the start but only 25 s after the pong: still inside the idle timeout.
        for (int i = 0; i < 25; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.True(h.Connection.IsOpen);
    }

    [Fact]
    public async Task Silence_past_the_idle_timeout_closes_the_connection_as_timed_out()
    {
        var time = new FakeTimeProvider();
        DateTimeOffset start = time.GetUtcNow();
        await using Harness h = await Harness.ConnectAsync(new ParleyConnectionOptions { TimeProvider = time }, Limits);

        await Poll.UntilAsync(
            () =>
            {
                time.Advance(TimeSpan.FromSeconds(5));
                return h.Connection.Closed.IsCompleted;
            },
            "the idle timeout closes the connection");

        DisconnectInfo info = await h.Connection.Closed;
        Assert.Equal(QuitReason.TimedOut, info.Reason);
        Assert.InRange(time.GetUtcNow() - start, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(40));
        Assert.IsType<Ping>((await h.Server.TryReadAsync())!.Value.Message);
    }

    [Fact]
    public async Task No_heartbeat_runs_when_neither_side_asks_for_one()
    {
        var time = new FakeTimeProvider();
        await using Harness h = await Harness.ConnectAsync(new ParleyConnectionOptions { TimeProvider = time }, FakeServer.NoHeartbeat);

        time.Advance(TimeSpan.FromHours(1));

        Assert.True(h.Connection.IsOpen);
    }
}
