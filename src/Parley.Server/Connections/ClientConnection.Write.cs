using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace Parley.Server.Connections;

internal sealed partial class ClientConnection
{
    // A batch stops growing past this many bytes so one flush never buffers a huge backlog at once.
    private const int MaxBatchBytes = 64 * 1024;

    private async Task WriteLoopAsync()
    {
        PipeWriter output = _transport.Output;
        try
        {
            while (true)
            {
                WriteStatus = "awaiting frames";
                if (!await Queue.WaitToReadAsync().ConfigureAwait(false))
                {
                    break;
                }

                if (_directSocket is { } socket)
                {
                    // False: the kernel took it all, nothing waits in the pipe.
                    if (SendDirect(socket, output))
                    {
                        await FlushAsync(output).ConfigureAwait(false);
                    }

                    ResumeReadingIfReady();
                }
                else if (WriteBatch(output))
                {
                    await FlushAsync(output).ConfigureAwait(false);
                    ResumeReadingIfReady();
                }
            }

            // The queue is complete: the last control frames (an error, a goodbye) still go out, through the pipe
            // even after direct writes (those are all in the kernel already, so nothing is overtaken).
            if (WriteBatch(output))
            {
                await FlushAsync(output).ConfigureAwait(false);
            }

            WriteStatus = "done";
        }
        catch (Exception ex) when (IsConnectionError(ex) || ex is InvalidOperationException)
        {
            // The peer went away or the transport was aborted; the read side reports the reason.
            WriteStatus = "failed: " + ex.GetType().Name;
        }
        finally
        {
            // A read loop paused for this queue to drain must not wait for a writer that has stopped.
            _resume.Release();
        }
    }

    // Frames taken from the queue at once. Per thread, not per connection (idle connections hold none):
    // WriteBatch never awaits, so a thread's array is never used by two batches at a time.
    private const int FramesPerTake = 64;

    [ThreadStatic]
    private static byte[][]? t_taken;

    /// <summary>Copies control frames, then data frames, into <paramref name="output"/> (the transport, or the direct send's buffer). False when nothing was written.</summary>
    private bool WriteBatch(IBufferWriter<byte> output)
    {
        WriteStatus = "writing";
        byte[][] taken = t_taken ??= new byte[FramesPerTake][];
        bool wrote = false;
        int bytes = 0;
        while (true)
        {
            while (Queue.TryDequeueControl(out byte[] control))
            {
                output.Write(control);
                wrote = true;
            }

            int count = bytes >= MaxBatchBytes ? 0 : Queue.DequeueData(taken);
            if (count == 0)
            {
                if (bytes > 0)
                {
                    Queue.NoteProgress();
                }

                return wrote;
            }

            for (int i = 0; i < count; i++)
            {
                output.Write(taken[i]);
                bytes += taken[i].Length;
                taken[i] = null!;
            }

            wrote = true;
        }
    }

    // The socket under a plain TCP connection while it is written directly (see SendDirect); null over TLS,
    // over an in-memory pipe, when turned off, and for good once the kernel has refused part of a send.
    private Socket? _directSocket;

    // The direct send's batch, per thread like t_taken. A batch is about MaxBatchBytes; one grown far past it by
    // large frames is not kept.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_sendBuffer;

    /// <summary>
    /// Writes a batch straight to the socket with one non-blocking <c>send</c>, instead of through Kestrel's output
    /// pipe. True: the kernel did not take everything; the rest is in <paramref name="output"/> to be flushed, and
    /// this connection uses the pipe from now on.
    /// </summary>
    /// <remarks>
    /// At chat rates a delivery is one frame to one member: the pipe's write, flush, hand-over to Kestrel's
    /// send loop and its socket event args cost more than the frame (issue 6, 38 % of the server's CPU at
    /// 200 messages/s into 500 members was user-space work around the send). The pipe stays untouched while
    /// this path is used, so Kestrel's send loop has nothing to send and the two never interleave bytes.
    /// Once a send is short (the peer's window is full: a slow or stalled reader), what is left goes through the
    /// pipe, which waits for the socket and times the stall, and so does everything after it: bytes already in
    /// the pipe must not be overtaken, and nothing tells when Kestrel has sent them all.
    /// </remarks>
    private bool SendDirect(Socket socket, PipeWriter output)
    {
        ArrayBufferWriter<byte> batch = t_sendBuffer ??= new ArrayBufferWriter<byte>(MaxBatchBytes);
        batch.ResetWrittenCount();
        if (!WriteBatch(batch))
        {
            return false;
        }

        WriteStatus = "sending";
        ReadOnlySpan<byte> data = batch.WrittenSpan;
        int sent = socket.Send(data, SocketFlags.None, out SocketError error);
        if (batch.Capacity > 4 * MaxBatchBytes)
        {
            t_sendBuffer = null;
        }

        if (error is not SocketError.Success and not SocketError.WouldBlock)
        {
            throw new SocketException((int)error);
        }

        _context.Metrics.Flushes.Add(1);
        sent = Math.Max(sent, 0);
        if (sent == data.Length)
        {
            return false;
        }

        // What the kernel did not take, then whatever is queued behind it, goes through the pipe from now on.
        output.Write(data[sent..]);
        _directSocket = null;
        _context.Metrics.DirectWritesEnded.Add(1);
        WriteBatch(output);
        return true;
    }

    /// <summary>One flush per batch; the heartbeat evicts the client if it stalls past the deadline.</summary>
    private async ValueTask FlushAsync(PipeWriter output)
    {
        // With inline scheduling the send runs inside FlushAsync, so the client may have the bytes before
        // it returns: only a flush that did not complete at once is timed, else a clock jumping right after
        // the client's read (fake time in tests) could take a finished flush for a stalled one.
        ValueTask<FlushResult> flushing = output.FlushAsync();
        NoteTlsUsed();
        FlushResult result;
        if (flushing.IsCompleted)
        {
            result = flushing.GetAwaiter().GetResult();
        }
        else
        {
            Volatile.Write(ref _flushStartedAt, _context.Time.GetTimestamp());
            WriteStatus = "flushing";
            result = await flushing.ConfigureAwait(false);
            Volatile.Write(ref _flushStartedAt, 0);
        }

        _context.Metrics.Flushes.Add(1);
        if (result.IsCompleted || result.IsCanceled)
        {
            throw new OperationCanceledException("the transport is closed");
        }
    }
}
