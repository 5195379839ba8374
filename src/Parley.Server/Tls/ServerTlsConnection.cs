using System.IO.Pipelines;
using System.Net.Security;
using System.Security.Authentication;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Parley.Server.Tls;

/// <summary>
/// The server's side of TLS on one accepted connection: the handshake under its deadline, then the decrypted streams
/// the connection's loops read and write. Disposing it closes the connection's transport.
/// </summary>
/// <remarks>
/// The server runs TLS itself rather than through Kestrel's <c>UseHttps</c> for two reasons (docs/ARCHITECTURE.md):
/// the connection handler admits a connection (bans, per-address limits) before its handshake, so handshakes count
/// against those limits; and an idle connection holds less, with no stream pipe reader between SslStream and the read
/// loop (<see cref="TlsPipeReader"/>).
/// </remarks>
internal sealed class ServerTlsConnection : IDuplexPipe, IAsyncDisposable
{
    private ServerTlsConnection(SslStream stream, TransportStream transport)
    {
        Stream = stream;
        Input = new TlsPipeReader(stream, transport);
        Output = new TlsPipeWriter(stream);
    }

    public SslStream Stream { get; }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    /// <summary>
    /// Runs the server's handshake on <paramref name="connection"/>. Null when it fails or does not finish within
    /// <see cref="TlsCertificateProvider.HandshakeTimeout"/>; the transport is closed then.
    /// </summary>
    public static async Task<ServerTlsConnection?> AcceptAsync(ConnectionContext connection, TlsCertificateProvider certificates,
        bool releaseIdleBuffers, TimeProvider time, ILogger logger)
    {
        var transport = new TransportStream(connection.Transport);
        var stream = new SslStream(transport, leaveInnerStreamOpen: false);
        try
        {
            using var deadline = new CancellationTokenSource(certificates.HandshakeTimeout, time);
            await stream.AuthenticateAsServerAsync(certificates.AuthenticationOptions(), deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException)
        {
            // Plain text on the TLS port, a scanner, a client that refused our certificate, or a handshake left
            // unfinished: the client's doing, not the server's.
            Log.TlsHandshakeFailed(logger, connection.ConnectionId, connection.RemoteEndPoint?.ToString(),
                ex is OperationCanceledException ? $"not finished within {certificates.HandshakeTimeout.TotalSeconds:0.#} s" : ex.Message);
            await stream.DisposeAsync().ConfigureAwait(false);
            return null;
        }

        if (releaseIdleBuffers)
        {
            OpenSslIdleBuffers.AfterHandshake(stream);
        }

        return new ServerTlsConnection(stream, transport);
    }

    /// <summary>Closes the TLS stream and, under it, the connection's transport.</summary>
    public ValueTask DisposeAsync() => Stream.DisposeAsync();
}
