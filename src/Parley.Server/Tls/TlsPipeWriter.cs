using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;

namespace Parley.Server.Tls;

/// <summary>
/// The connection's write loop's side of TLS: frames are written into one rented buffer, and a flush encrypts it through
/// <see cref="SslStream"/> (onto the socket's pipe, <see cref="TransportStream"/>) and returns the buffer, so an idle
/// connection holds none (issue 6, idle memory; a stream pipe writer kept a buffer segment, its stack and a cancellation
/// source per connection).
/// </summary>
/// <remarks>
/// One writer at a time, as for any <see cref="PipeWriter"/>: the write loop, then the connection's end. A flush waits
/// while the socket's pipe is full, which is what the write-stall deadline times. <see cref="CancelPendingFlush"/> is not
/// supported: the server ends a stalled connection by aborting its transport, which fails the flush.
/// </remarks>
internal sealed class TlsPipeWriter(SslStream stream) : PipeWriter
{
    // The first buffer: a batch of a few chat frames fits; a larger batch grows it (up to the write loop's batch limit).
    private const int InitialSize = 4096;

    private byte[]? _buffer;
    private int _written;
    private bool _completed;

    /// <summary>Bytes rented now (0 between flushes). For tests.</summary>
    internal int BufferedCapacity => _buffer?.Length ?? 0;

    public override Span<byte> GetSpan(int sizeHint = 0) => Reserve(sizeHint).AsSpan(_written);

    public override Memory<byte> GetMemory(int sizeHint = 0) => Reserve(sizeHint).AsMemory(_written);

    public override void Advance(int bytes)
    {
        if (bytes < 0 || _written + bytes > (_buffer?.Length ?? 0))
        {
            throw new ArgumentOutOfRangeException(nameof(bytes), "Advance went past the memory given out");
        }

        _written += bytes;
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        return _written == 0 ? new ValueTask<FlushResult>(default(FlushResult)) : WriteOutAsync(cancellationToken);
    }

    public override void CancelPendingFlush() => throw new NotSupportedException("a TLS connection's flush ends by aborting its transport");

    public override void Complete(Exception? exception = null)
    {
        // Anything written and not flushed is dropped: the write loop flushes every batch before it completes.
        _completed = true;
        Release();
    }

    private async ValueTask<FlushResult> WriteOutAsync(CancellationToken cancellationToken)
    {
        try
        {
            await stream.WriteAsync(_buffer.AsMemory(0, _written), cancellationToken).ConfigureAwait(false);
            return default;
        }
        finally
        {
            Release();
        }
    }

    private byte[] Reserve(int sizeHint)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        int needed = Math.Max(sizeHint, 1);
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(needed, InitialSize));
        }
        else if (_buffer.Length - _written < needed)
        {
            byte[] grown = ArrayPool<byte>.Shared.Rent(Math.Max(2 * _buffer.Length, _written + needed));
            _buffer.AsSpan(0, _written).CopyTo(grown);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = grown;
        }

        return _buffer;
    }

    private void Release()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }

        _written = 0;
    }
}
