namespace Parley.Client;

/// <summary>A server the client has never seen, as shown to the user before they decide whether to trust it.</summary>
/// <param name="Server">The server as the pin store names it (<c>host:port</c>).</param>
/// <param name="Fingerprint">What it presented (<c>SHA256:...</c>), to compare with <c>parley admin fingerprint</c> on the server.</param>
/// <param name="Subject">The certificate's subject, for information only: anyone can write any subject.</param>
/// <param name="KnownServersFile">Where the pin is written if the user says yes.</param>
public sealed record UnknownServer(string Server, string Fingerprint, string Subject, string KnownServersFile);

/// <summary>Asks the user whether to trust (and pin) <paramref name="server"/>; true to trust it.</summary>
public delegate ValueTask<bool> UnknownServerPrompt(UnknownServer server, CancellationToken cancellationToken);

/// <summary>
/// How a client secures and authenticates its connection (docs/PROTOCOL.md, "Transport"). The defaults: TLS,
/// a certificate accepted when its chain is valid for the host name or its key's fingerprint is pinned for this
/// server, and an unknown server refused. Nothing ever accepts any certificate.
/// </summary>
public sealed class ClientTlsOptions
{
    /// <summary>
    /// True (the default): TLS. False (<c>--insecure-no-tls</c>): plain TCP to a server started with
    /// <c>--insecure-no-tls</c>; everything crosses the network readable and changeable by anyone on the path.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// <c>--trust SHA256:...</c>: the only fingerprint accepted for this server, whatever its chain (anything else is
    /// refused), and pinned in <see cref="KnownServers"/> after the first successful handshake. Null: none given.
    /// </summary>
    public string? TrustedFingerprint { get; set; }

    /// <summary>
    /// Whether a fingerprint accepted through <see cref="TrustedFingerprint"/> or <see cref="TrustOnFirstUse"/> is written
    /// to <see cref="KnownServers"/>. True (the default); the bench turns it off for the throwaway servers it starts.
    /// </summary>
    public bool RememberPins { get; set; } = true;

    /// <summary>
    /// <c>--trust-on-first-use</c>: an unknown server is pinned without asking. Off by default: it trusts whoever
    /// answers the first time, which is exactly when an attacker on the path would answer.
    /// </summary>
    public bool TrustOnFirstUse { get; set; }

    /// <summary>
    /// Asks the user about an unknown server (interactive front ends). Null (the default, and for scripts): an unknown
    /// server is refused with <see cref="ServerTrustException"/>. It runs between two connections, never inside a
    /// handshake, so the user can take their time: the server's handshake timeout is not running meanwhile.
    /// </summary>
    public UnknownServerPrompt? PromptUnknownServer { get; set; }

    /// <summary>The pin store. Default: <see cref="Parley.Client.KnownServers.Default"/>.</summary>
    public KnownServers? KnownServers { get; set; }
}
