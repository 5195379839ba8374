using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Parley.Protocol;

namespace Parley.Client;

/// <summary>
/// Decides whether one server's certificate is accepted, and remembers the decision for later connections to it
/// (a <see cref="ParleySession"/>'s reconnects share one). The rules, in order:
/// <list type="number">
/// <item><c>--trust</c> given: only that fingerprint, nothing else.</item>
/// <item>A chain valid for the host name up to an authority the system trusts (e.g. from certbot): accepted.</item>
/// <item>Otherwise the fingerprint must equal the one accepted earlier in this session, or the one pinned in
/// <c>known_servers</c>; a different one is <see cref="ServerTrustFailure.Changed"/>, a hard failure.</item>
/// <item>No pin: <c>--trust-on-first-use</c> pins it; otherwise it is unknown (the caller may ask the user).</item>
/// </list>
/// </summary>
public sealed class ServerTrust
{
    private readonly ClientTlsOptions _options;
    private readonly KnownServers _store;
    private string? _accepted;

    public ServerTrust(ParleyEndpoint endpoint, ClientTlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Endpoint = endpoint;
        _options = options;
        _store = options.KnownServers ?? KnownServers.Default();
        Server = KnownServers.KeyFor(endpoint);
        if (options.TrustedFingerprint is { } given)
        {
            TrustedFingerprint = TlsFingerprint.TryParse(given, out string? canonical)
                ? canonical
                : throw new ArgumentException($"'{given}' is not a fingerprint (SHA256: and 43 base64 characters)", nameof(options));
        }
    }

    public ParleyEndpoint Endpoint { get; }

    /// <summary>The server as the pin store names it.</summary>
    public string Server { get; }

    public ClientTlsOptions Options => _options;

    /// <summary>The pin store in use.</summary>
    public KnownServers KnownServers => _store;

    /// <summary>The fingerprint accepted on the last successful handshake (also for a public chain), or null.</summary>
    public string? LastFingerprint { get; private set; }

    internal string? TrustedFingerprint { get; }

    /// <summary>The certificate validation callback's half: what one handshake decided, read after it ends.</summary>
    internal sealed class Verdict
    {
        public string? Presented { get; set; }

        public string Subject { get; set; } = string.Empty;

        public ServerTrustException? Failure { get; set; }

        public bool PinAfterHandshake { get; set; }
    }

    /// <summary>The validation callback: true to accept. Never throws; a refusal is recorded in <paramref name="verdict"/>.</summary>
    internal bool Check(Verdict verdict, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is not X509Certificate2 leaf)
        {
            verdict.Failure = new ServerTrustException($"{Server} presented no certificate; not connecting");
            return false;
        }

        string presented = TlsFingerprint.Of(leaf);
        verdict.Presented = presented;
        verdict.Subject = leaf.Subject;
        if (TrustedFingerprint is { } only)
        {
            if (presented == only)
            {
                verdict.PinAfterHandshake = true;
                return true;
            }

            verdict.Failure = ServerTrustException.NotTrusted(Server, presented, only);
            return false;
        }

        if (errors == SslPolicyErrors.None)
        {
            // A valid public chain for this name: the normal web PKI check, which a renewed key passes too.
            return true;
        }

        KnownServer? pin;
        try
        {
            pin = _store.Find(Server);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            verdict.Failure = new ServerTrustException($"cannot read {_store.Path} to check {Server}'s fingerprint: {ex.Message}", ex);
            return false;
        }

        if (Volatile.Read(ref _accepted) is { } earlier && earlier != presented)
        {
            // This session accepted another key (and pinned it, unless the store could not be written).
            verdict.Failure = ServerTrustException.Changed(Server, presented, earlier, pin?.Fingerprint == earlier ? pin : null, _store.Path);
            return false;
        }

        if (pin is not null)
        {
            if (pin.Fingerprint == presented)
            {
                Volatile.Write(ref _accepted, presented);
                return true;
            }

            verdict.Failure = ServerTrustException.Changed(Server, presented, pin.Fingerprint, pin, _store.Path);
            return false;
        }

        if (Volatile.Read(ref _accepted) == presented)
        {
            // Accepted earlier in this session but not pinned (the store could not be written): still this server.
            return true;
        }

        if (_options.TrustOnFirstUse)
        {
            verdict.PinAfterHandshake = true;
            return true;
        }

        verdict.Failure = ServerTrustException.Unknown(Server, presented, _store.Path);
        return false;
    }

    /// <summary>After a successful handshake: pins what the verdict said to pin.</summary>
    internal void Accepted(Verdict verdict)
    {
        LastFingerprint = verdict.Presented;
        if (verdict.PinAfterHandshake && verdict.Presented is not null)
        {
            if (_options.RememberPins)
            {
                Pin(verdict.Presented);
            }
            else
            {
                Volatile.Write(ref _accepted, verdict.Presented);
            }
        }
    }

    /// <summary>
    /// Trusts <paramref name="fingerprint"/> for this server from now on: in this session, and in the pin store.
    /// A store that cannot be written is not fatal (the session still remembers): see <see cref="PinError"/>.
    /// </summary>
    public void Pin(string fingerprint)
    {
        // Once per server and process: a crowd of connections sharing this trust reads the store once, not each.
        if (Interlocked.Exchange(ref _accepted, fingerprint) == fingerprint && PinError is null)
        {
            return;
        }

        try
        {
            if (_store.Find(Server)?.Fingerprint != fingerprint)
            {
                _store.Add(Server, fingerprint);
            }

            PinError = null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            PinError = ex;
        }
    }

    /// <summary>Why the last pin could not be written to the store, or null.</summary>
    public Exception? PinError { get; private set; }
}
