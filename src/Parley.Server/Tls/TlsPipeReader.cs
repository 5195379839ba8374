using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;

namespace Parley.Server.Tls;

/// <summary>
/// The decrypted bytes of a TLS connection as a <see cref="PipeReader"/> for the connection's read loop, holding nothing
/// while the connection is idle: no buffer (one is rented when data arrives and returned once every byte is consumed) and
/// no read of its own pending (issue 6, idle memory).
/// </summary>
/// <remarks>
/// <para>
/// It replaces the stream reader Kestrel's TLS middleware put between <see cref="SslStream"/> and the read loop, which kept
/// its buffer segments, a cancellation source and one more pending read per connection: about 1.8 KiB of the 3 KiB a TLS
/// connection held on the managed heap beyond a plain one (docs/BENCHMARKS.md "Our own TLS layer").
/// </para>
/// <para>
/// While nothing is buffered, a read first waits with a zero-byte read on the stream (SslStream passes it down to
/// <see cref="TransportStream"/>, which waits on the socket without taking a byte), then reads what arrived into a rented
/// buffer. A frame split across reads stays in that buffer, compacted or grown as needed; the frame parser bounds its size
/// (a length over the maximum is refused before its payload is read).
/// </para>
/// <para>
/// <see cref="CancelPendingRead"/> is for ending the connection: it cancels the transport's read under SslStream, which
/// leaves the TLS stream unusable afterwards. The pending or next <see cref="ReadAsync"/> returns a cancelled result.
/// </para>
/// </remarks>
internal sealed class TlsPipeReader(SslStream stream, PipeReader transportInput) : PipeReader
{
    // A TLS record carries at most 16 KiB of plaintext (RFC 8446 section 5.1): a buffer this size takes a whole one.
    private const int ReadSize = 16 * 1024;

    // Room a read asks the stream for, at least; less makes the buffer move its unconsumed bytes forward or grow.
    private const int MinimumReadRoom = 2048;

    private byte[]? _buffer;
    private int _start;
    private int _end;
    private bool _examinedAll;
    private bool _ended;
    private bool _completed;
    private int _cancelRequested;

    /// <summary>Bytes rented now (0 while idle). For tests.</summary>
    internal int BufferedCapacity => _buffer?.Length ?? 0;

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (TryRead(out ReadResult result))
        {
            return new ValueTask<ReadResult>(result);
        }

        return ReadMoreAsync(cancellationToken);
    }

    public override bool TryRead(out ReadResult result)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (Interlocked.Exchange(ref _cancelRequested, 0) == 1)
        {
            result = Result(canceled: true);
            return true;
        }

        // Bytes not yet examined, or the end of the stream, are there without reading.
        if ((_end > _start && !_examinedAll) || _ended)
        {
            result = Result(canceled: false);
            return true;
        }

        result = default;
        return false;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        if (_buffer is null)
        {
            // The last result was empty: nothing to consume.
            return;
        }

        int consumedAt = consumed.GetInteger();
        int examinedAt = examined.GetInteger();
        if (!ReferenceEquals(consumed.GetObject(), _buffer) || !ReferenceEquals(examined.GetObject(), _buffer)
            || consumedAt < _start || examinedAt < consumedAt || examinedAt > _end)
        {
            throw new InvalidOperationException("AdvanceTo was given a position outside the last read's buffer");
        }

        _start = consumedAt;
        _examinedAll = examinedAt == _end;
        if (_start == _end)
        {
            ReturnBuffer();
        }
    }

    public override void CancelPendingRead()
    {
        Volatile.Write(ref _cancelRequested, 1);
        transportInput.CancelPendingRead();
    }

    public override void Complete(Exception? exception = null)
    {
        _completed = true;
        ReturnBuffer();
    }

    private async ValueTask<ReadResult> ReadMoreAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (_end == _start)
            {
                // Idle: wait for the next record holding no buffer.
                await stream.ReadAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);
            }

            int read = await stream.ReadAsync(Room(), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                _ended = true;
            }

            _end += read;
        }
        catch (Exception) when (Volatile.Read(ref _cancelRequested) == 1)
        {
            // CancelPendingRead failed the transport's read under SslStream (wrapped in an IOException by it).
        }

        if (_end == _start)
        {
            ReturnBuffer();
        }

        _examinedAll = false;
        return Result(canceled: Interlocked.Exchange(ref _cancelRequested, 0) == 1);
    }

    /// <summary>Where the next read goes: after the unconsumed bytes, in a buffer rented, compacted or grown for it.</summary>
    private Memory<byte> Room()
    {
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(ReadSize);
            _start = _end = 0;
        }
        else if (_buffer.Length - _end < MinimumReadRoom)
        {
            int unconsumed = _end - _start;
            byte[] target = unconsumed + MinimumReadRoom <= _buffer.Length
                ? _buffer
                : ArrayPool<byte>.Shared.Rent(Math.Max(2 * _buffer.Length, unconsumed + MinimumReadRoom));
            Buffer.BlockCopy(_buffer, _start, target, 0, unconsumed);
            if (!ReferenceEquals(target, _buffer))
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = target;
            }

            _start = 0;
            _end = unconsumed;
        }

        return _buffer.AsMemory(_end);
    }

    private ReadResult Result(bool canceled) => new(
        _buffer is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(_buffer, _start, _end - _start),
        canceled,
        _ended);

    private void ReturnBuffer()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }

        _start = _end = 0;
        _examinedAll = false;
    }
}
