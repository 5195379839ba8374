using System.Buffers;
using System.IO.Pipelines;

namespace Parley.Server.Tls;

/// <summary>
/// The socket's byte streams (Kestrel's transport pipes) as the <see cref="Stream"/> an <see cref="System.Net.Security.SslStream"/>
/// runs over. Reads copy out of the transport's input pipe; every write is copied into its output pipe and flushed, so a peer
/// that stops reading holds the write here, where the connection's write-stall deadline sees it.
/// </summary>
/// <remarks>
/// <para>
/// A read hands over at most the rest of the current TLS record (its length is in the record's 5-byte header, RFC 8446
/// section 5.1). SslStream then never holds the start of a record behind the one it returns data from, which lets
/// <see cref="TlsPipeReader"/> wait on the socket itself while idle instead of keeping a read pending in SslStream
/// (<see cref="AtRecordBoundary"/>). Only how many bytes one read returns depends on the header; every byte is handed
/// over in order whatever it says, so a peer that breaks the framing only meets SslStream's own refusal.
/// </para>
/// <para>
/// A zero-byte read waits for data without taking any. A read cancelled through the transport
/// (<see cref="PipeReader.CancelPendingRead"/>) throws <see cref="OperationCanceledException"/>; <see cref="TlsPipeReader"/>
/// does that only to end the connection.
/// </para>
/// </remarks>
internal sealed class TransportStream(IDuplexPipe transport) : Stream
{
    private const int RecordHeaderSize = 5;

    // Bytes of the current record not yet handed over; while 0, _headerSeen bytes of the next header have been.
    private int _recordLeft;
    private int _headerSeen;
    // The header's fourth byte (the length's high byte), once handed over without the fifth.
    private byte _lengthHigh;

    /// <summary>The socket's input pipe under the stream, for waiting on it while SslStream holds nothing.</summary>
    internal PipeReader Input => transport.Input;

    /// <summary>True when every record begun has been handed over whole: SslStream holds no part of a later one.</summary>
    internal bool AtRecordBoundary => _recordLeft == 0 && _headerSeen == 0;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        ValueTask<ReadResult> reading = transport.Input.ReadAsync(cancellationToken);
        return reading.IsCompletedSuccessfully ? new ValueTask<int>(Take(reading.Result, destination)) : AwaitReadAsync(reading, destination);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        ValueTask<FlushResult> writing = transport.Output.WriteAsync(source, cancellationToken);
        if (writing.IsCompletedSuccessfully)
        {
            EnsureOpen(writing.Result);
            return default;
        }

        return AwaitWriteAsync(writing);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // Every write has flushed already.
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    // SslStream's synchronous calls are never used by the server; blocking a thread on a socket is what it avoids.
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("TransportStream is asynchronous only");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("TransportStream is asynchronous only");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // Kestrel sends what is left in the output pipe, then closes the socket.
            transport.Input.Complete();
            transport.Output.Complete();
        }

        base.Dispose(disposing);
    }

    private async ValueTask<int> AwaitReadAsync(ValueTask<ReadResult> reading, Memory<byte> destination) =>
        Take(await reading.ConfigureAwait(false), destination);

    private static async ValueTask AwaitWriteAsync(ValueTask<FlushResult> writing) => EnsureOpen(await writing.ConfigureAwait(false));

    private int Take(ReadResult result, Memory<byte> destination)
    {
        PipeReader input = transport.Input;
        ReadOnlySequence<byte> data = result.Buffer;
        if (result.IsCanceled)
        {
            input.AdvanceTo(data.Start);
            throw new OperationCanceledException("the read was cancelled");
        }

        if (destination.IsEmpty)
        {
            // Consumed and examined nothing: the read that follows returns the same bytes at once.
            input.AdvanceTo(data.Start);
            return 0;
        }

        int recordEnd = RecordEnd(data);
        int count = (int)Math.Min(Math.Min(data.Length, destination.Length), recordEnd);
        data.Slice(0, count).CopyTo(destination.Span);
        HandedOver(data, count, recordEnd);
        input.AdvanceTo(data.GetPosition(count));
        // 0 only at the end of the stream: the pipe completes a read with no bytes only then (or when cancelled).
        return count;
    }

    /// <summary>How many of <paramref name="data"/>'s bytes reach the end of the current record (all of them while its header is incomplete).</summary>
    private int RecordEnd(in ReadOnlySequence<byte> data)
    {
        if (_recordLeft > 0)
        {
            return _recordLeft;
        }

        int missing = RecordHeaderSize - _headerSeen;
        if (data.Length < missing)
        {
            return (int)data.Length;
        }

        int high = _headerSeen > 3 ? _lengthHigh : ByteAt(data, 3 - _headerSeen);
        int low = ByteAt(data, 4 - _headerSeen);
        return missing + ((high << 8) | low);
    }

    private void HandedOver(in ReadOnlySequence<byte> data, int count, int recordEnd)
    {
        if (_recordLeft > 0)
        {
            _recordLeft -= count;
            return;
        }

        int missing = RecordHeaderSize - _headerSeen;
        if (count >= missing)
        {
            // The header is complete: what is left of its record comes next.
            _recordLeft = recordEnd - count;
            _headerSeen = 0;
            return;
        }

        if (_headerSeen <= 3 && _headerSeen + count > 3)
        {
            _lengthHigh = ByteAt(data, 3 - _headerSeen);
        }

        _headerSeen += count;
    }

    private static byte ByteAt(in ReadOnlySequence<byte> data, int index) =>
        data.FirstSpan.Length > index ? data.FirstSpan[index] : data.Slice(index, 1).FirstSpan[0];

    private static void EnsureOpen(FlushResult result)
    {
        if (result.IsCompleted || result.IsCanceled)
        {
            throw new IOException("the connection is closed");
        }
    }
}
