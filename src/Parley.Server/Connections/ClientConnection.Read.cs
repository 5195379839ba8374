using System.Buffers;
using System.IO.Pipelines;
using Parley.Protocol;
using Parley.Protocol.Messages;

namespace Parley.Server.Connections;

internal sealed partial class ClientConnection
{
    /// <summary>
    /// Messages of one client that may await the store at once. Enough to keep group commits full
    /// for a fast sender; small enough that a flood can't grow the commit queue without bound.
    /// </summary>
    internal const int MaxPendingCommits = 1024;

    // Pause above the limits, resume below half of them: hysteresis, so a busy client isn't paused and woken per frame.
    private bool MustPauseReading => Queue.QueuedBytes > Queue.SoftLimit || Session.PendingCommits > MaxPendingCommits;

    private bool CanResumeReading => IsClosing || Queue.IsDiscarding
        || (Queue.QueuedBytes < Queue.SoftLimit / 2 && Session.PendingCommits < MaxPendingCommits / 2);

    /// <summary>Resumes a read loop paused for its own backlog, once the backlog is down by half.</summary>
    internal void ResumeReadingIfReady()
    {
        if (CanResumeReading)
        {
            _resume.Release();
        }
    }

    /// <summary>Parses frames until the peer leaves, the stream ends, or <see cref="Close"/> is called.</summary>
    /// <remarks>
    /// The state machine of this method lives as long as the connection, boxed on the heap while it awaits data
    /// (idle memory, issue 6): everything that does not cross an await (the read result, the buffer, the parse)
    /// is in <see cref="ParseRead"/>, so the box holds little more than the awaiters.
    /// </remarks>
    private async Task ReadLoopAsync()
    {
        while (true)
        {
            ReadStatus = "awaiting data";
            ReadStep step = ParseRead(await _transport.Input.ReadAsync().ConfigureAwait(false), out Task? pending);
            if (step == ReadStep.Done)
            {
                return;
            }

            bool backlogged = step == ReadStep.Backlogged;
            if (pending is not null)
            {
                ReadStatus = "awaiting a password hash";
                await pending.ConfigureAwait(false);
                if (IsClosing)
                {
                    return;
                }

                backlogged = MustPauseReading;
            }

            if (backlogged)
            {
                ReadStatus = "paused: own backlog";
                await _resume.WaitAsync(static connection => connection.CanResumeReading, this).ConfigureAwait(false);
            }
        }
    }

    private enum ReadStep
    {
        /// <summary>Every whole frame was handled; read again.</summary>
        More,

        /// <summary>This client's backlog is too long: pause before reading again.</summary>
        Backlogged,

        /// <summary>The connection is over (the stream ended, or it is closing).</summary>
        Done,
    }

    /// <summary>
    /// Handles the whole frames of one read and advances the reader. <paramref name="pending"/> is a request waiting
    /// for a password hash, after which the frames behind it are parsed on the next read.
    /// </summary>
    private ReadStep ParseRead(ReadResult result, out Task? pending)
    {
        PipeReader input = _transport.Input;
        ReadOnlySequence<byte> buffer = result.Buffer;
        bool backlogged = false;
        pending = null;
        NoteTlsUsed();
        try
        {
            if (result.IsCanceled || IsClosing)
            {
                return ReadStep.Done;
            }

            ReadStatus = "parsing";
            int maxPayload = _context.Options.MaxFramePayload;
            while (FrameReader.TryRead(ref buffer, maxPayload, out Frame frame))
            {
                Volatile.Write(ref _lastFrameAt, _context.Time.GetTimestamp());
                // Decoding copies the payload into owned objects before the reader advances.
                pending = Session.Handle(frame);
                if (IsClosing)
                {
                    return ReadStep.Done;
                }

                if (pending is not null)
                {
                    // A request waiting for a password hash: the frames behind it wait until it is answered
                    // (docs/PROTOCOL.md), and the loop waits without holding a thread.
                    break;
                }

                if (MustPauseReading)
                {
                    // Flow control: this client's own replies, or its messages awaiting the
                    // store, are piling up; read no more of its requests until they have gone
                    // out (its frames wait in the socket meanwhile, and TCP pushes back).
                    backlogged = true;
                    break;
                }
            }

            // Checked after parsing, so the frames that arrived with the end of the stream count.
            if (result.IsCompleted && !backlogged && pending is null)
            {
                if (!buffer.IsEmpty)
                {
                    Log.TruncatedFrame(_logger, Id, buffer.Length);
                }

                return ReadStep.Done;
            }

            return backlogged ? ReadStep.Backlogged : ReadStep.More;
        }
        finally
        {
            // Whole frames left behind by a pause were not examined: the next read must see them at once.
            if (backlogged || pending is not null)
            {
                input.AdvanceTo(buffer.Start);
            }
            else
            {
                input.AdvanceTo(buffer.Start, buffer.End);
            }
        }
    }
}
