using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Parley.Protocol.Messages;
using Parley.Server.Tls;

namespace Parley.Server.Connections;

/// <summary>
/// Kestrel's entry point for every accepted connection: admission, the TLS handshake (when TLS is on), then the
/// connection's loops. Admission comes first, so a connection counts against the server's and its address's limits
/// from its first byte, handshake included.
/// </summary>
internal sealed class ParleyConnectionHandler(ServerContext context, Hosting.ParleyServer server) : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        IPAddress? address = (connection.RemoteEndPoint as IPEndPoint)?.Address;

        // A banned address is refused before it takes a connection slot (docs/PROTOCOL.md "Moderation").
        if (address is not null && context.ServerBans.Match(null, address, context.Time.GetUtcNow().ToUnixTimeMilliseconds()) is { } ban)
        {
            context.Metrics.Rejected.Add(1);
            Log.ServerBanEnforced(context.Logger, connection.ConnectionId, "-", connection.RemoteEndPoint?.ToString(), "refused at connect", ban.Mask.Text);
            await RefuseAsync(connection, ErrorCode.Banned, 0, $"you are banned from this server{Chat.Room.Describe(ban.Record)}").ConfigureAwait(false);
            return;
        }

        ErrorCode refusal = context.Connections.TryAdmit(address, out uint retryAfterMs);
        if (refusal != ErrorCode.Unspecified)
        {
            context.Metrics.Rejected.Add(1);
            Log.Refused(context.Logger, connection.ConnectionId, refusal);
            await RefuseAsync(connection, refusal, retryAfterMs).ConfigureAwait(false);
            return;
        }

        ClientConnection? client = null;
        ServerTlsConnection? tls = null;
        try
        {
            if (server.Tls is { } certificates)
            {
                tls = await SecureAsync(connection, certificates).ConfigureAwait(false);
                if (tls is null)
                {
                    return;
                }
            }

            context.Metrics.Accepted.Add(1);
            Log.Accepted(context.Logger, connection.ConnectionId, connection.RemoteEndPoint?.ToString());
            client = new ClientConnection(connection.ConnectionId, connection.RemoteEndPoint as IPEndPoint, tls ?? connection.Transport, connection.Abort, context,
                tls is null ? DirectSocket(connection) : null, IdleTls(tls));
            context.Connections.Add(client);

            // Kestrel asks connections to close on shutdown; the manager has already queued a Goodbye by then.
            using CancellationTokenRegistration closing = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?
                .ConnectionClosedRequested.Register(static c => ((ClientConnection)c!).Close(QuitReason.ServerShuttingDown, null, discardData: false), client)
                ?? default;
            await client.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            context.Connections.Release(client, address);
            if (tls is not null)
            {
                await tls.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private Task<ServerTlsConnection?> SecureAsync(ConnectionContext connection, TlsCertificateProvider certificates) =>
        ServerTlsConnection.AcceptAsync(connection, certificates, context.Options.Tls.ReleaseIdleBuffers, context.Time, context.Logger);

    /// <summary>The TLS stream whose OpenSSL buffers the connection frees while quiet (<see cref="ServerTlsOptions.ReleaseIdleBuffers"/>).</summary>
    private System.Net.Security.SslStream? IdleTls(ServerTlsConnection? tls) =>
        context.Options.Tls.ReleaseIdleBuffers && OpenSslIdleBuffers.CanReleaseBios ? tls?.Stream : null;

    /// <summary>The socket to write directly (<see cref="ServerOptions.DirectSocketWrites"/>): plain TCP only.</summary>
    private System.Net.Sockets.Socket? DirectSocket(ConnectionContext connection)
    {
        if (!context.Options.DirectSocketWrites || connection.Features.Get<IConnectionSocketFeature>()?.Socket is not { } socket)
        {
            return null;
        }

        // Only our own sends are synchronous, and they must never wait: a short send moves to the pipe instead.
        // Kestrel's own receives and sends on this socket are asynchronous and do not look at this flag.
        socket.Blocking = false;
        return socket;
    }

    /// <summary>
    /// Tells a refused client why, in an error frame, and closes. Over TLS the frame needs the handshake first: the
    /// client learns the reason instead of seeing a bare close.
    /// </summary>
    private async Task RefuseAsync(ConnectionContext connection, ErrorCode code, uint retryAfterMs, string? message = null)
    {
        string text = message ?? code switch
        {
            ErrorCode.ServerFull => "the server is full",
            ErrorCode.TooManyConnectionsFromAddress => "too many connections from your address",
            ErrorCode.RateLimited => $"too many new connections from your address; try again in {retryAfterMs} ms",
            _ => "the server is shutting down",
        };
        ServerTlsConnection? tls = null;
        try
        {
            if (server.Tls is { } certificates && (tls = await SecureAsync(connection, certificates).ConfigureAwait(false)) is null)
            {
                return;
            }

            PipeWriter output = tls?.Output ?? connection.Transport.Output;
            await output.WriteAsync(ClientConnection.ErrorFrame(code, text, 0, retryAfterMs)).ConfigureAwait(false);
            await output.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ConnectionResetException or ConnectionAbortedException or OperationCanceledException)
        {
            // The peer is already gone; nothing to tell it.
        }
        finally
        {
            if (tls is not null)
            {
                await tls.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
