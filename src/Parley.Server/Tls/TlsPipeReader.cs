using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;

namespace Parley.Server.Tls;

/// <summary>
/// The decrypted bytes of a TLS connection as a <see cref="PipeReader"/> for the connection's read loop, holding nothing
/// while the connection is idle: no buffer (one is rented when data arrives and returned once every byte is consumed), and
/// no read pending in SslStream (issue 6, idle memory).
/// </summary>
/// <remarks>
/// <para>
/// It replaces the stream reader Kestrel's TLS middleware put between <see cref="SslStream"/> and the read loop, which kept
/// buffer segments, a cancellation source and a chain of pending reads through SslStream per connection
/// (docs/BENCHMARKS.md "Our own TLS layer").
/// </para>
/// <para>
/// While idle it waits on the socket's pipe itself, without consuming anything, and only then reads SslStream, which finds
/// the record there. That is sound only while SslStream holds nothing, decrypted or not: <see cref="TransportStream"/>
/// hands it at most one record per read, so once it has returned data from a record it holds no later one, and a read
/// that did not fill the room it was given left no decrypted bytes behind. Otherwise (the room filled, a record handed
/// over only in part, the first read after the handshake, whose last flight may have brought data along) the next read
/// goes to SslStream itself. A frame split across reads stays in the rented buffer, compacted or grown as needed; the
/// frame parser bounds its size (a length over the maximum is refused before its payload is read).
/// </para>
/// <para>
/// <see cref="CancelPendingRead"/> is for ending the connection: it cancels the transport's read, which leaves the TLS
/// stream unusable if SslStream was reading. The pending or next <see cref="ReadAsync"/> returns a cancelled result.
/// </para>
/// </remarks>
internal sealed class TlsPipeReader(SslStream stream, TransportStream transport) : PipeReader
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
    // SslStream may hold bytes this reader has not had yet: the next read must ask it, not wait on the socket.
    private bool _streamMayHoldData = true;

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
        transport.Input.CancelPendingRead();
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
            if (_end == _start && !_streamMayHoldData)
            {
                // Idle: wait for the next record on the socket's pipe, consuming and examining nothing of it.
                ReadResult arrived = await transport.Input.ReadAsync(cancellationToken).ConfigureAwait(false);
                transport.Input.AdvanceTo(arrived.Buffer.Start);
                if (arrived.IsCanceled)
                {
                    return Result(canceled: Interlocked.Exchange(ref _cancelRequested, 0) == 1);
                }
            }
            else if (_end == _start)
            {
                // SslStream may hold data: wait on it with a zero-byte read, still without a buffer of our own.
                await stream.ReadAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);
            }

            Memory<byte> room = Room();
            int read = await stream.ReadAsync(room, cancellationToken).ConfigureAwait(false);
            _streamMayHoldData = read == room.Length || !transport.AtRecordBoundary;
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
