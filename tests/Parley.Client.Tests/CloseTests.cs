using Parley.Protocol;
using Parley.Protocol.Messages;

namespace Parley.Client.Tests;

public class CloseTests
{
    [Fact]
    public async Task A_server_goodbye_closes_with_its_reason_and_fails_pending_requests()
    {
        await using Harness h = await Harness.ConnectAsync();

        Task<Joined> joining = h.Connection.JoinAsync("#a");
        await h.Server.ExpectAsync<Join>();
        await h.Server.SendEventAsync(new Goodbye { Reason = QuitReason.ServerShuttingDown, Message = "restart" });
        await h.Server.CloseAsync();

        DisconnectInfo info = await h.Connection.Closed.WaitAsync(Harness.Timeout);
        Assert.Equal(QuitReason.ServerShuttingDown, info.Reason);
        Assert.Equal("restart", info.Message);
        Assert.False(info.Local);
        var ex = await Assert.ThrowsAsync<ParleyConnectionException>(() => joining);
        Assert.Equal(info, ex.Info);
        await h.Connection.Events.Completion.WaitAsync(Harness.Timeout);
        Assert.False(h.Connection.IsOpen);
    }

    [Fact]
    public async Task A_connection_level_error_closes_with_its_code()
    {
        await using Harness h = await Harness.ConnectAsync();

        await h.Server.SendEventAsync(new Error { Code = ErrorCode.SlowConsumer, Message = "too slow" });
        await h.Server.CloseAsync();

        DisconnectInfo info = await h.Connection.Closed.WaitAsync(Harness.Timeout);
        Assert.Equal(QuitReason.SlowConsumer, info.Reason);
        Assert.Equal(ErrorCode.SlowConsumer, info.Error);
    }

    [Fact]
    public async Task End_of_stream_without_goodbye_is_a_lost_connection()
    {
        await using Harness h = await Harness.ConnectAsync();

        await h.Server.CloseAsync();

        DisconnectInfo info = await h.Connection.Closed.WaitAsync(Harness.Timeout);
        Assert.Equal(QuitReason.ConnectionLost, info.Reason);
        Assert.False(info.IsFatal);
        await Assert.ThrowsAsync<ParleyConnectionException>(() => h.Connection.JoinAsync("#a"));
    }

    [Fact]
    public async Task End_of_stream_in_the_middle_of_a_frame_is_a_lost_connection()
    {
        await using Harness h = await Harness.ConnectAsync();

        byte[] frame = FrameWriter.Encode(FrameType.Delivered, 0, new Delivered { Room = "#a", Text = "cut short" });
        await h.Server.SendRawAsync(frame[..^3]);
        await h.Server.CloseAsync();

        Assert.Equal(QuitReason.ConnectionLost, (await h.Connection.Closed.WaitAsync(Harness.Timeout)).Reason);
    }

    [Fact]
    public async Task A_frame_only_clients_send_is_a_protocol_error_and_the_client_says_why()
    {
        await using Harness h = await Harness.ConnectAsync();

        await h.Server.SendEventAsync(new Join { Room = "#a" });

        (_, Goodbye goodbye) = await h.Server.ExpectAsync<Goodbye>();
        Assert.Equal(QuitReason.ProtocolError, goodbye.Reason);
        await h.Server.HangUpAfterClientAsync();
        DisconnectInfo info = await h.Connection.Closed.WaitAsync(Harness.Timeout);
        Assert.Equal(QuitReason.ProtocolError, info.Reason);
    }

    [Fact]
    public async Task Dispose_says_goodbye_then_closes()
    {
        Harness h = await Harness.ConnectAsync();

        Task closing = h.Connection.CloseAsync("bye all");
        (uint id, Goodbye goodbye) = await h.Server.ExpectAsync<Goodbye>();
        List<Google.Protobuf.IMessage> after = await h.Server.ReadToEndAsync();
        await h.Server.CloseAsync();
        await closing.WaitAsync(Harness.Timeout);

        Assert.Equal(0u, id);
        Assert.Equal(QuitReason.Left, goodbye.Reason);
        Assert.Equal("bye all", goodbye.Message);
        Assert.Empty(after);
        DisconnectInfo info = await h.Connection.Closed;
        Assert.True(info.Local);
        Assert.True(info.IsFatal);
        await h.Connection.DisposeAsync();
    }

    [Fact]
    public async Task Close_does_not_wait_forever_for_a_server_that_never_hangs_up()
    {
        Harness h = await Harness.ConnectAsync(new ParleyConnectionOptions { CloseTimeout = TimeSpan.FromMilliseconds(50) });

        await h.Connection.CloseAsync().WaitAsync(Harness.Timeout);

        Assert.True((await h.Connection.Closed).Local);
    }
}
