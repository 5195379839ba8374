using System.Buffers;
using System.IO.Pipelines;
using Parley.Protocol;
using Parley.Protocol.Messages;

namespace Parley.Server.Connections;

internal sealed partial class ClientConnection
{
    /// <summary>Parses frames until the peer leaves, the stream ends, or <see cref="Close"/> is called.</summary>
    /// <returns>Why the loop ended on its own (a Close's reason takes precedence).</returns>
    private async Task<QuitReason> ReadLoopAsync()
    {
        PipeReader input = _transport.Input;
        int maxPayload = _context.Options.MaxFramePayload;
        while (true)
        {
            ReadStatus = "awaiting data";
            ReadResult result = await input.ReadAsync().ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            bool backlogged = false;
            try
            {
                if (result.IsCanceled || IsClosing)
                {
                    return QuitReason.ConnectionLost;
                }

                ReadStatus = "parsing";
                while (FrameReader.TryRead(ref buffer, maxPayload, out Frame frame))
                {
                    Volatile.Write(ref _lastFrameAt, _context.Time.GetTimestamp());
                    // Decoding copies the payload into owned objects before the reader advances.
                    Session.Handle(frame);
                    if (IsClosing)
                    {
                        return QuitReason.ConnectionLost;
                    }

                    if (Queue.QueuedBytes > Queue.SoftLimit)
                    {
                        // Flow control: this client's own replies are piling up; read no more of its
                        // requests until it has taken them (its frames wait in the socket meanwhile).
                        backlogged = true;
                        break;
                    }
                }

                // Checked after parsing, so the frames that arrived with the end of the stream count.
                if (result.IsCompleted && !backlogged)
                {
                    if (!buffer.IsEmpty)
                    {
                        Log.TruncatedFrame(_logger, Id, buffer.Length);
                    }

                    return QuitReason.ConnectionLost;
                }
            }
            finally
            {
                // Whole frames left behind by a backlog pause were not examined: the next read must see them at once.
                if (backlogged)
                {
                    input.AdvanceTo(buffer.Start);
                }
                else
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                }
            }

            if (backlogged)
            {
                ReadStatus = "paused: own send queue backlogged";
                await Queue.WaitForDrainAsync().ConfigureAwait(false);
            }
        }
    }
}
