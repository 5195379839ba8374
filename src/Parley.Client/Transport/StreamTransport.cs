using System.IO.Pipelines;

namespace Parley.Client;

/// <summary>
/// A connected stream (a <c>NetworkStream</c>, or an <c>SslStream</c> over one) seen as a duplex pipe.
/// Disposing it completes both pipes and disposes the stream, which closes the socket.
/// </summary>
public sealed class StreamTransport : IDuplexPipe, IAsyncDisposable
{
    private readonly Stream _stream;
    private int _disposed;

    public StreamTransport(Stream stream, string remote)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        Remote = remote;
        // leaveOpen: the pipes complete independently (the write side first, after Goodbye); the stream
        // is closed once, here in DisposeAsync.
        Input = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        Output = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    /// <summary>The remote endpoint as the caller named it, for messages.</summary>
    public string Remote { get; }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await Input.CompleteAsync().ConfigureAwait(false);
        try
        {
            await Output.CompleteAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // Completing flushes what is left, and the peer may have gone.
        }

        await _stream.DisposeAsync().ConfigureAwait(false);
    }
}
