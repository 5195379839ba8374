using System.Buffers;
using System.IO.Pipelines;

namespace Parley.Server.Tls;

/// <summary>
/// The socket's byte streams (Kestrel's transport pipes) as the <see cref="Stream"/> an <see cref="System.Net.Security.SslStream"/>
/// runs over. Reads copy out of the transport's input pipe; every write is copied into its output pipe and flushed, so a peer
/// that stops reading holds the write here, where the connection's write-stall deadline sees it.
/// </summary>
/// <remarks>
/// A zero-byte read waits for data without taking any: SslStream issues one when its caller does and it holds nothing
/// decrypted, so an idle connection waits on the socket with no buffer anywhere (issue 6, idle memory).
/// A read cancelled through the transport (<see cref="PipeReader.CancelPendingRead"/>) throws
/// <see cref="OperationCanceledException"/>; <see cref="TlsPipeReader"/> does that only to end the connection.
/// </remarks>
internal sealed class TransportStream(IDuplexPipe transport) : Stream
{
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

        int count = (int)Math.Min(data.Length, destination.Length);
        data.Slice(0, count).CopyTo(destination.Span);
        input.AdvanceTo(data.GetPosition(count));
        // 0 only at the end of the stream: the pipe completes a read with no bytes only then (or when cancelled).
        return count;
    }

    private static void EnsureOpen(FlushResult result)
    {
        if (result.IsCompleted || result.IsCanceled)
        {
            throw new IOException("the connection is closed");
        }
    }
}
