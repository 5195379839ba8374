using System.Collections.Concurrent;
using System.Net.Sockets;
using Parley.Client;
using Parley.Protocol.Messages;
using Parley.TestUtilities;

namespace Parley.IntegrationTests;

/// <summary>A client evicted as a slow consumer comes back and misses nothing (issue 5, "Resume").</summary>
public sealed class EvictionResumeTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task A_session_evicted_as_a_slow_consumer_reconnects_and_resumes_with_no_gap()
    {
        await using InProcessServer server = await InProcessServer.StartAsync(InProcessServer.NoRateLimits(new()
        {
            ["SendQueueSoftBytes"] = "65536",
            ["SendQueueHardBytes"] = "262144",
            ["WriteStallTimeout"] = "00:00:02",
        }));
        ParleyEndpoint endpoint = ParleyEndpoint.Parse(server.EndPoint.ToString());
        var gate = new ReadGate();
        await using var alice = ParleySession.ForTcp(endpoint, new ParleySessionOptions
        {
            Connection = { Nick = "alice" },
            Backoff = new ReconnectBackoff { BaseDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromMilliseconds(200) },
        }, gate.Wrap);
        var seqs = new ConcurrentQueue<ulong>();
        var evicted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new ConcurrentQueue<string>();
        Task consumer = ConsumeAsync(alice, seqs, evicted, log);
        alice.Start();
        await alice.WaitUntilReadyAsync();
        await alice.JoinAsync("#a");
        await using ParleyConnection bob = await ParleyConnection.ConnectAsync(
            await TcpTransport.ConnectAsync(endpoint), new ParleyConnectionOptions { Nick = "bob" });
        await bob.JoinAsync("#a");

        // alice stops reading her socket; bob talks until the server gives up on her.
        gate.Stop();
        string text = new('z', 1000);
        int sent = 0;
        while (!server.Server.Context.Connections.Live.All(c => c.Session.Nick != "alice") && sent < 20_000)
        {
            await bob.SayAsync("#a", $"{sent++} {text}");
        }

        Assert.True(sent < 20_000, "alice was never evicted");
        gate.Go();
        try
        {
            await evicted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            output.WriteLine($"sent {sent}; alice has {seqs.Count}, last {seqs.LastOrDefault()}; state {alice.State}; " + string.Join(" | ", log));
        }

        for (int i = 0; i < 10; i++)
        {
            await bob.SayAsync("#a", $"{sent++} after");
        }

        try
        {
            await Poll.UntilAsync(() => seqs.Count >= sent, $"alice has all {sent} messages", TimeSpan.FromSeconds(60));
        }
        finally
        {
            output.WriteLine($"alice has {seqs.Count}, last {seqs.LastOrDefault()}; " + string.Join(" | ", log));
        }

        ulong[] got = [.. seqs];
        Assert.Equal(Enumerable.Range(1, sent).Select(i => (ulong)i), got);
        await alice.QuitAsync();
        await consumer;
    }

    private static async Task ConsumeAsync(ParleySession session, ConcurrentQueue<ulong> seqs, TaskCompletionSource evicted, ConcurrentQueue<string> log)
    {
        await foreach (ParleyEvent e in session.Events.ReadAllAsync())
        {
            if (e is not RoomMessageEvent)
            {
                string line = $"{e.GetType().Name} after {seqs.Count}: {e}";
                log.Enqueue(line.Length > 200 ? line[..200] : line);
            }

            switch (e)
            {
                case RoomMessageEvent m:
                    seqs.Enqueue(m.Message.Seq);
                    break;
                case DisconnectedEvent:
                    // Slow consumer if the goodbye got through; usually the abort after the close
                    // grace comes first, as the goodbye sits behind the data the client never read.
                    evicted.TrySetResult();
                    break;
            }
        }
    }

    /// <summary>Wraps the client's socket so the test can make it stop reading, as a frozen client would.</summary>
    private sealed class ReadGate
    {
        private volatile TaskCompletionSource _open = Opened();
        private int _connections;

        public void Stop() => _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Go() => _open.TrySetResult();

        public ValueTask<Stream> Wrap(Stream stream, ParleyEndpoint endpoint, CancellationToken cancellationToken)
        {
            // A small receive buffer on the first connection, so the server's writes back up soon after
            // the reading stops; later connections (the resume) get the usual one.
            if (Interlocked.Increment(ref _connections) == 1)
            {
                ((NetworkStream)stream).Socket.ReceiveBufferSize = 4096;
            }

            return ValueTask.FromResult<Stream>(new GatedStream(stream, this));
        }

        private static TaskCompletionSource Opened()
        {
            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            tcs.SetResult();
            return tcs;
        }

        private sealed class GatedStream(Stream inner, ReadGate gate) : Stream
        {
            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => true;

            public override long Length => throw new NotSupportedException();

            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            {
                await gate._open.Task.WaitAsync(cancellationToken);
                return await inner.ReadAsync(buffer, cancellationToken);
            }

            public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
                ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

            public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
                inner.WriteAsync(buffer, cancellationToken);

            public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
                inner.WriteAsync(buffer, offset, count, cancellationToken);

            public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

            public override void Flush() => inner.Flush();

            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    inner.Dispose();
                }

                base.Dispose(disposing);
            }
        }
    }
}
