using System.Buffers;
using System.IO.Pipelines;

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

                if (WriteBatch(output))
                {
                    await FlushAsync(output).ConfigureAwait(false);
                    ResumeReadingIfReady();
                }
            }

            // The queue is complete: the last control frames (an error, a goodbye) still go out.
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

    /// <summary>Copies control frames, then data frames, into the transport. False when nothing was written.</summary>
    private bool WriteBatch(PipeWriter output)
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

    /// <summary>One flush per batch; the heartbeat evicts the client if it stalls past the deadline.</summary>
    private async ValueTask FlushAsync(PipeWriter output)
    {
        // With inline scheduling the send runs inside FlushAsync, so the client may have the bytes before
        // it returns: only a flush that did not complete at once is timed, else a clock jumping right after
        // the client's read (fake time in tests) could take a finished flush for a stalled one.
        ValueTask<FlushResult> flushing = output.FlushAsync();
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
