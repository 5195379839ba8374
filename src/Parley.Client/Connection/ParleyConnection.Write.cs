using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;
using Google.Protobuf;
using Parley.Protocol;

namespace Parley.Client;

public sealed partial class ParleyConnection
{
    // Encoded frames, in the order callers queued them. Unbounded: a client's own requests are few and
    // each waits for its reply, so the queue stays short unless the server stops reading, which the
    // request timeouts and the heartbeat then catch.
    private readonly Channel<byte[]> _outbox = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private volatile string _writeStatus = "starting";

    private bool TryEnqueue(FrameType type, uint requestId, IMessage payload) =>
        _outbox.Writer.TryWrite(FrameWriter.Encode(type, requestId, payload));

    private async Task WriteLoopAsync()
    {
        PipeWriter output = _transport.Output;
        ChannelReader<byte[]> outbox = _outbox.Reader;
        Exception? fault = null;
        try
        {
            while (true)
            {
                _writeStatus = "waiting for frames";
                if (!await outbox.WaitToReadAsync().ConfigureAwait(false))
                {
                    break;
                }

                while (outbox.TryRead(out byte[]? frame))
                {
                    output.Write(frame);
                }

                _writeStatus = "flushing";
                FlushResult flush = await output.FlushAsync().ConfigureAwait(false);
                if (flush.IsCanceled || flush.IsCompleted)
                {
                    // Cancelled by the close timeout, or nobody reads the other end any more.
                    Abort(DisconnectInfo.ConnectionLost("the connection stopped accepting data"));
                    break;
                }
            }
        }
        catch (Exception ex) when (IsTransportError(ex))
        {
            ClientLog.TransportClosed(_logger, ConnectionId, _writeStatus, ex);
            Abort(DisconnectInfo.ConnectionLost(ex.Message));
        }
        catch (Exception ex)
        {
            ClientLog.UnexpectedFailure(_logger, ConnectionId, _writeStatus, ex);
            Abort(DisconnectInfo.ConnectionLost(ex.Message));
            fault = ex;
        }

        _writeStatus = "closed";
        _outbox.Writer.TryComplete();
        try
        {
            await output.CompleteAsync(fault).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTransportError(ex))
        {
            // Completing flushes what is left; the socket may be gone already.
        }
    }
}
