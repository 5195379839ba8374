using System.Runtime.ExceptionServices;

namespace Parley.Server.Connections;

/// <summary>
/// Wakes many connections' write loops at once, on the thread that fanned out, instead of one
/// thread-pool wake-up per member per message.
/// </summary>
/// <remarks>
/// <para>
/// While a thread holds a <see cref="Scope"/> (the group committer does, around the completions of
/// one committed batch), a <see cref="SendQueue"/> whose write loop is waiting does not wake it when a
/// frame arrives: it records itself here, once per scope however many frames it gets. When the scope
/// ends, the recorded write loops run where they are, on this thread: each takes its queued frames
/// and flushes them to its socket (with Kestrel's inline scheduling the <c>send</c> happens inside
/// the flush), then awaits its next frame and returns control here.
/// </para>
/// <para>
/// Why: at chat rates every delivery was a sleeping pool thread woken to make one <c>send</c>, and on
/// this paravirtualised machine the wake-up cost more than the send (issue 6's profiles: 45 % of the
/// server's samples in the hypervisor's <c>pvm_irq_enable</c>, from futex waits and wake-ups). Now a
/// message into a room of 500 is one pass of 500 sends, and a committed batch of many messages is one
/// write per member for all of them. When the scope queued thousands of frames (a big batch, a huge room),
/// the writers are cut into a part per core, the other parts handed to the thread pool, so the writing
/// uses every core: one wake-up per part, not per member.
/// </para>
/// <para>
/// Safe because a scope ends outside every lock (room, queue), and a write loop run here only
/// writes to its own transport: a flush that can't complete at once (the peer's window is full)
/// suspends it as before, and it goes on later on the transport's thread.
/// </para>
/// </remarks>
internal static class WriterWakes
{
    // Frames queued in a scope per share of the writing: below twice this, one thread does it all. Measured
    // (docs/BENCHMARKS.md, "Write loops woken in bulk"): at chat rates a message into a room of 500 is 500
    // frames, and sharing them between both cores crowded out the readers and the clients on the same machine
    // (p99 at 200 messages/s 16 ms shared against 12.5 ms on one thread); a fan-out batch of hundreds of
    // messages is tens of thousands of frames, and on one thread TLS fan-out fell from 1.5 to 1.0 M/s.
    internal const int MinFramesPerPart = 2048;

    [ThreadStatic]
    private static int t_frames;

    [ThreadStatic]
    private static List<SendQueue>? t_pending;

    [ThreadStatic]
    private static int t_depth;

    /// <summary>Defers write-loop wake-ups on this thread until the returned scope is disposed. Scopes nest; the outermost runs them.</summary>
    public static Scope Defer()
    {
        t_depth++;
        return default;
    }

    /// <summary>True when the caller is inside a scope and <paramref name="queue"/> was recorded to be woken at its end.</summary>
    internal static bool TryDefer(SendQueue queue)
    {
        if (t_depth == 0)
        {
            return false;
        }

        (t_pending ??= new List<SendQueue>(64)).Add(queue);
        return true;
    }

    /// <summary>A frame went to a queue whose wake-up this scope holds: the measure of how much writing the scope's end has to do.</summary>
    internal static void NoteFrame() => t_frames++;

    private static void End()
    {
        if (--t_depth > 0)
        {
            return;
        }

        List<SendQueue>? pending = t_pending;
        if (pending is null || pending.Count == 0)
        {
            return;
        }

        // The list is swapped out before anything runs: a write loop run here may itself be inside
        // code that opens a scope (it does not today), and must not see this list half walked.
        t_pending = null;
        int frames = t_frames;
        t_frames = 0;
        try
        {
            int parts = Math.Min(Math.Min(Environment.ProcessorCount, pending.Count), frames / MinFramesPerPart);
            if (parts <= 1)
            {
                if (Wake(pending, pending.Count) is { } failed)
                {
                    ExceptionDispatchInfo.Throw(failed);
                }

                return;
            }

            int per = (pending.Count + parts - 1) / parts;
            for (int start = per; start < pending.Count; start += per)
            {
                SendQueue[] part = pending.GetRange(start, Math.Min(per, pending.Count - start)).ToArray();
                // A pool thread must not throw (it would end the process): a failure there is dropped, the walk
                // still finishes. WakeDeferred's only throw is a double completion, a bug the inline part shows too.
                ThreadPool.UnsafeQueueUserWorkItem(static queues => { _ = Wake(queues, queues.Length); }, part, preferLocal: false);
            }

            if (Wake(pending, per) is { } failure)
            {
                ExceptionDispatchInfo.Throw(failure);
            }
        }
        finally
        {
            pending.Clear();
            t_pending ??= pending;
        }
    }

    // Wakes the first count queues, every one even if one fails, so none is left deferred with no wake-up to come;
    // returns the first failure.
    private static Exception? Wake(IReadOnlyList<SendQueue> queues, int count)
    {
        Exception? first = null;
        for (int i = 0; i < count; i++)
        {
            try
            {
                queues[i].WakeDeferred();
            }
            catch (Exception ex)
            {
                first ??= ex;
            }
        }

        return first;
    }

    /// <summary>Ends a <see cref="Defer"/>: the outermost end runs the write loops recorded meanwhile.</summary>
    public readonly ref struct Scope
    {
        public void Dispose() => End();
    }
}
