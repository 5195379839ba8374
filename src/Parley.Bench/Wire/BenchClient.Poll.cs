using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Parley.Protocol;

namespace Parley.Bench.Wire;

/// <summary>Which loop reads a connection.</summary>
public enum ReceivePath
{
    /// <summary><c>Stream.ReadAsync</c> through .NET's socket engine (TLS, and platforms without the poller).</summary>
    Stream,

    /// <summary>The bench's own epoll thread (<see cref="ReceivePoller"/>): plain TCP on Linux x86-64.</summary>
    Epoll,
}

internal sealed partial class BenchClient
{
    private static long s_streamConnections;
    private static long s_epollConnections;

    private readonly TaskCompletionSource _pollEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _filled;
    private int _receiveEnded;
    private bool _pollStopped;

    /// <summary>Which loop reads this connection.</summary>
    public ReceivePath Path { get; private init; }

    /// <summary>Connections this process has read each way, for the report (a silent fall-back would show here).</summary>
    public static (long Stream, long Epoll) ConnectionsByPath => (Interlocked.Read(ref s_streamConnections), Interlocked.Read(ref s_epollConnections));

    /// <summary>"epoll", "stream", or "mixed" when the runs so far used both.</summary>
    public static string DescribeReceivePaths()
    {
        (long stream, long epoll) = ConnectionsByPath;
        return (stream, epoll) switch
        {
            (0, > 0) => "epoll",
            ( > 0, 0) => "stream",
            (0, 0) => "none",
            _ => "mixed",
        };
    }

    /// <summary>The socket's descriptor (poller thread only).</summary>
    internal int PollFd { get; private init; } = -1;

    /// <summary>This connection's place in the poller's table, -1 when not in it (poller thread only).</summary>
    internal int PollSlot { get; set; } = -1;

    /// <summary>Taken out of the epoll set by <see cref="StopReading"/>: written by the poller thread, read by tests to know the stop took effect.</summary>
    internal bool PollStopped
    {
        get => Volatile.Read(ref _pollStopped);
        set => Volatile.Write(ref _pollStopped, value);
    }

    /// <summary>
    /// The socket is readable: one non-blocking recv behind what is buffered, then the parse. Runs on the
    /// poller thread. Returns false when the connection ended (the poller then detaches it).
    /// </summary>
    internal unsafe bool ReceiveReady()
    {
        nint read;
        fixed (byte* buffer = _buffer)
        {
            read = Epoll.Receive(PollFd, buffer + _filled, (nuint)(_buffer.Length - _filled), Epoll.DontWait);
        }

        if (read <= 0)
        {
            if (read == 0)
            {
                ClosedBecause ??= _closed ? "closed by the bench" : "the server closed the connection";
                return false;
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno is Epoll.WouldBlock or Epoll.Interrupted)
            {
                return true;
            }

            ClosedBecause ??= _closed ? "closed by the bench" : Epoll.Describe(errno);
            return false;
        }

        long now = Stopwatch.GetTimestamp();
        _reads++;
        int filled = _filled + (int)read;
        try
        {
            int used = Parse(_buffer.AsSpan(0, filled), now);
            filled -= used;
            if (filled > 0 && used > 0)
            {
                Buffer.BlockCopy(_buffer, used, _buffer, 0, filled);
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or ProtocolViolationException)
        {
            ClosedBecause ??= "bench receive failed: " + ex.Message;
            return false;
        }

        _filled = filled;
        return true;
    }

    /// <summary>The poller could not watch or read this connection.</summary>
    internal void PollFailed(string reason) => ClosedBecause ??= reason;

    /// <summary>The poller has let go of this connection: its receive has ended, as the stream loop's would.</summary>
    internal void PollDetached()
    {
        EndReceive();
        _pollEnded.TrySetResult();
    }

    /// <summary>Completes once the poller will not touch this connection again.</summary>
    internal Task PollEnded => _pollEnded.Task;

    /// <summary>What the end of a receive loop does, once, whichever loop it was.</summary>
    private void EndReceive()
    {
        if (Interlocked.Exchange(ref _receiveEnded, 1) != 0)
        {
            return;
        }

        _closed = true;
        _acks.Set();
        lock (_replyLock)
        {
            _reply?.TrySetException(new IOException($"connection closed: {ClosedBecause}"));
        }
    }

    /// <summary>Any bytes, through the connection's send path (tests: a hostile frame).</summary>
    internal ValueTask SendRawAsync(ReadOnlyMemory<byte> data) => SendAsync(data);

    /// <summary>Writes all of <paramref name="data"/> with blocking sends: a polled socket must never see an async operation.</summary>
    private void SendBlocking(ReadOnlySpan<byte> data)
    {
        try
        {
            while (!data.IsEmpty)
            {
                int sent = _socket.Send(data, SocketFlags.None);
                data = data[sent..];
            }
        }
        catch (SocketException ex)
        {
            // As NetworkStream reports it, so callers see one kind of failure whichever path they took.
            throw new IOException($"Unable to write data to the transport connection: {ex.Message}.", ex);
        }
    }
}
