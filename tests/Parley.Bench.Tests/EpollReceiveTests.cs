using System.Buffers.Binary;
using System.Net;
using System.Runtime.CompilerServices;
using Parley.Bench.Wire;
using Parley.Protocol;
using Parley.TestUtilities;

namespace Parley.Bench.Tests;

/// <summary>
/// The bench's own epoll receive thread (plain TCP on Linux x86-64) against a real <c>parley serve --insecure-no-tls</c>:
/// setup replies, deliveries, stop and resume, the server closing, and the thread ending with the last connection.
/// </summary>
public sealed class EpollReceiveTests : IAsyncLifetime
{
    private static readonly TimeSpan Reply = TimeSpan.FromSeconds(30);
    private readonly string _data = Directory.CreateTempSubdirectory("parley-bench-epoll-").FullName;
    private readonly List<BenchClient> _clients = [];
    private ParleyProcess? _server;
    private IPEndPoint _endPoint = new(IPAddress.Loopback, 0);

    /// <summary>The path plain TCP must take here; a silent fall-back to the stream loop fails the tests.</summary>
    private static ReceivePath PlainPath => Epoll.IsSupported ? ReceivePath.Epoll : ReceivePath.Stream;

    public async Task InitializeAsync()
    {
        _server = ParleyProcess.Start("serve", "--listen", "127.0.0.1:0", "--data", _data, "--log-level", "Warning", "--no-rate-limits", "--insecure-no-tls");
        string line = await _server.WaitForLineAsync(l => l.StartsWith("listening on ", StringComparison.Ordinal), reason: "with the bound port");
        _endPoint = IPEndPoint.Parse(line["listening on ".Length..]);
    }

    public async Task DisposeAsync()
    {
        foreach (BenchClient client in _clients)
        {
            await client.DisposeAsync();
        }

        await Poll.UntilAsync(() => !ReceivePoller.Shared.IsRunning, "the receive thread ended with its last connection");
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public void The_epoll_event_is_packed_to_twelve_bytes_as_on_x86_64()
    {
        Assert.Equal(12, Unsafe.SizeOf<Epoll.Event>());
    }

    [Fact]
    public async Task Plain_connections_are_read_by_the_epoll_thread_and_get_every_message_in_order()
    {
        BenchClient sender = await JoinAsync("s", "#plain");
        BenchClient member = await JoinAsync("m", "#plain");

        for (int i = 0; i < 50; i++)
        {
            await sender.SayAsync("#plain", $"message {i}", Reply);
        }

        await Poll.UntilAsync(() => member.Delivered == 50, "the member received all 50 messages");
        Assert.Equal(PlainPath, member.Path);
        Assert.Equal(PlainPath, sender.Path);
        Assert.Equal(0, member.Missing);
        Assert.Equal(0, member.OutOfOrder);
        Assert.True(member.Reads > 0);
        Assert.True(ReceivePoller.Shared.IsRunning || !Epoll.IsSupported);
        Assert.False(member.IsClosed);
    }

    [Fact]
    public async Task A_member_that_stops_reading_gets_nothing_until_it_resumes_and_then_everything()
    {
        BenchClient sender = await JoinAsync("s", "#stall");
        BenchClient member = await JoinAsync("m", "#stall");

        member.StopReading();
        if (member.Path == ReceivePath.Epoll)
        {
            Assert.True(member.PollStopped, "StopReading returns once the receive thread took the member out of its epoll set");
        }

        for (int i = 0; i < 30; i++)
        {
            await sender.SayAsync("#stall", $"while stopped {i}", Reply);
        }

        await Poll.UntilAsync(() => sender.Delivered == 30, "the sender received its own 30 messages");
        if (member.Path == ReceivePath.Epoll)
        {
            // The stream loop stops after the read it has pending; the poller stops at once.
            Assert.Equal(0, member.Delivered);
        }

        member.ResumeReading();
        await Poll.UntilAsync(() => member.Delivered == 30, "the member read the 30 messages the kernel held once it resumed");
        Assert.Equal(0, member.Missing);
        Assert.False(member.IsClosed);
    }

    [Fact]
    public async Task A_connection_the_server_closes_is_seen_closed_with_the_reason_and_let_go()
    {
        BenchClient member = await JoinAsync("m", "#close");
        BenchClient other = await JoinAsync("o", "#close");

        // A header announcing a payload far above the maximum: the server refuses it and closes.
        byte[] hostile = new byte[FrameHeader.Size];
        BinaryPrimitives.WriteUInt32BigEndian(hostile, 0x7FFF_FFFF);
        hostile[4] = (byte)FrameType.Say;
        await member.SendRawAsync(hostile);

        await Poll.UntilAsync(() => member.IsClosed, "the bench saw the server close the connection");
        Assert.Contains("FrameTooLarge", member.ClosedBecause, StringComparison.Ordinal);
        if (member.Path == ReceivePath.Epoll)
        {
            await Poll.UntilAsync(() => member.PollEnded.IsCompleted, "the receive thread let go of the closed connection");
            Assert.Equal(-1, member.PollSlot);
        }

        // The thread goes on reading the others.
        await other.SayAsync("#close", "still here", Reply);
        await Poll.UntilAsync(() => other.Delivered == 1, "the other member received its own message");
        Assert.False(other.IsClosed);
    }

    [Fact]
    public async Task A_request_pending_when_the_server_goes_away_fails_instead_of_waiting_for_its_timeout()
    {
        BenchClient member = await JoinAsync("m", "#gone");

        _server!.Kill();
        await Poll.UntilAsync(() => member.IsClosed, "the bench saw the connection end");

        Assert.NotNull(member.ClosedBecause);
        await Assert.ThrowsAsync<IOException>(() => member.SayAsync("#gone", "anyone?", Reply));
    }

    private async Task<BenchClient> JoinAsync(string nick, string room)
    {
        BenchClient client = await BenchClient.ConnectAsync(_endPoint, null, null, BenchClient.LargeBuffer, CancellationToken.None);
        _clients.Add(client);
        await client.HelloAsync(nick, Reply);
        await client.JoinAsync(room, Reply);
        return client;
    }
}
