using System.Net.Security;
using System.Security.Authentication;

namespace Parley.Client;

/// <summary>
/// Opens the transport a <see cref="ParleyConnection"/> runs over: TCP, then TLS with the server's identity checked
/// by a <see cref="ServerTrust"/> (or plain TCP when <see cref="ClientTlsOptions.Enabled"/> is false).
/// </summary>
public static class ParleyTransport
{
    /// <summary>
    /// Connects and, with TLS on, authenticates the server. An unknown server is put to
    /// <see cref="ClientTlsOptions.PromptUnknownServer"/> when there is one (after the first connection has been
    /// closed; if the user trusts it, it is pinned and a second connection made, which must present the same key).
    /// </summary>
    /// <exception cref="ServerTrustException">The server's certificate was refused; nothing was sent.</exception>
    /// <exception cref="ParleyConnectionException">No connection, or a TLS handshake that failed for another reason.</exception>
    public static Task<StreamTransport> ConnectAsync(ServerTrust trust, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trust);
        return ConnectAsync(trust, trust.Options.PromptUnknownServer, cancellationToken);
    }

    /// <summary>A transport to <paramref name="endpoint"/> with the trust rules of <paramref name="options"/>, for one-shot use.</summary>
    public static Task<StreamTransport> ConnectAsync(ParleyEndpoint endpoint, ClientTlsOptions options, CancellationToken cancellationToken = default) =>
        ConnectAsync(new ServerTrust(endpoint, options), cancellationToken);

    /// <summary>
    /// Connects, settles the server's identity (asking about an unknown one, as <see cref="ConnectAsync(ServerTrust, CancellationToken)"/>
    /// does) and closes again: for front ends that must ask before they take over the terminal.
    /// </summary>
    public static async Task ProbeAsync(ServerTrust trust, CancellationToken cancellationToken = default)
    {
        StreamTransport transport = await ConnectAsync(trust, cancellationToken).ConfigureAwait(false);
        await transport.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>As the public overload, with the prompt given (sessions pass none: they reconnect unattended).</summary>
    internal static async Task<StreamTransport> ConnectAsync(ServerTrust trust, UnknownServerPrompt? prompt, CancellationToken cancellationToken)
    {
        if (!trust.Options.Enabled)
        {
            return await TcpTransport.ConnectAsync(trust.Endpoint, null, cancellationToken).ConfigureAwait(false);
        }

        var verdict = new ServerTrust.Verdict();
        try
        {
            return await ConnectOnceAsync(trust, verdict, cancellationToken).ConfigureAwait(false);
        }
        catch (ServerTrustException ex) when (ex.Failure == ServerTrustFailure.Unknown && prompt is not null)
        {
            var unknown = new UnknownServer(trust.Server, ex.Presented, verdict.Subject, trust.KnownServers.Path);
            if (!await prompt(unknown, cancellationToken).ConfigureAwait(false))
            {
                throw ServerTrustException.Declined(trust.Server, ex.Presented);
            }

            trust.Pin(ex.Presented);
            return await ConnectOnceAsync(trust, new ServerTrust.Verdict(), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs the TLS handshake over an already connected <paramref name="stream"/> (for clients that open their own
    /// sockets, like the bench), checking the server as <paramref name="trust"/> says. Never prompts.
    /// </summary>
    /// <exception cref="ServerTrustException">The server's certificate was refused.</exception>
    /// <exception cref="ParleyConnectionException">The handshake failed for another reason (the stream is then disposed).</exception>
    public static async Task<SslStream> AuthenticateAsync(Stream stream, ServerTrust trust, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trust);
        return await AuthenticateAsync(stream, trust.Endpoint, trust, new ServerTrust.Verdict(), cancellationToken).ConfigureAwait(false);
    }

    private static Task<StreamTransport> ConnectOnceAsync(ServerTrust trust, ServerTrust.Verdict verdict, CancellationToken cancellationToken) =>
        TcpTransport.ConnectAsync(trust.Endpoint, async (stream, endpoint, ct) => await AuthenticateAsync(stream, endpoint, trust, verdict, ct).ConfigureAwait(false), cancellationToken);

    private static async Task<SslStream> AuthenticateAsync(
        Stream stream, ParleyEndpoint endpoint, ServerTrust trust, ServerTrust.Verdict verdict, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                // The name the chain must be valid for, and the SNI the server sees (not sent for an IP address).
                TargetHost = endpoint.Host,
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => trust.Check(verdict, certificate, errors),
                // EnabledSslProtocols and cipher suites: the OS defaults (TLS 1.2 and 1.3 here).
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            if (verdict.Failure is { } refused)
            {
                throw refused;
            }

            throw new ParleyConnectionException(
                $"the TLS handshake with {endpoint} failed ({ex.Message}); does the server speak TLS? " +
                "A server started with --insecure-no-tls needs --insecure-no-tls here too", ex);
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        trust.Accepted(verdict);
        return ssl;
    }
}
