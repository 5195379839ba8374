namespace Parley.Server.Tls;

/// <summary>
/// TLS for every listener (issue 4, docs/OPERATIONS.md "TLS"). Configuration keys <c>Tls:Enabled</c>,
/// <c>Tls:CertificateFile</c>, ... (<c>PARLEY__Tls__CertificateFile</c> in the environment).
/// </summary>
/// <remarks>
/// Protocol versions and cipher suites are deliberately not settable: the operating system's defaults
/// (OpenSSL's configuration on Linux) are kept current by its security updates, and pinning a list here
/// would freeze today's choice into every installation.
/// </remarks>
public sealed class ServerTlsOptions
{
    /// <summary>File name of the self-signed certificate in <see cref="SelfSignedDirectory"/>.</summary>
    public const string SelfSignedCertificateName = "cert.pem";

    /// <summary>File name of its private key (mode 0600).</summary>
    public const string SelfSignedKeyName = "key.pem";

    /// <summary>
    /// True (the default): every connection is TLS. False (<c>--insecure-no-tls</c>): plain TCP, for tests and
    /// local use only; messages then cross the network readable by anyone on the path, and the server says so
    /// loudly in its log and banner.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// A PEM certificate chain (the server's certificate first, then intermediates: certbot's
    /// <c>fullchain.pem</c>). With <see cref="KeyFile"/>; both or neither. Null (the default): a self-signed
    /// ECDSA P-256 certificate made on the first start in <c>DATA/tls/</c>, whose fingerprint clients pin.
    /// </summary>
    public string? CertificateFile { get; set; }

    /// <summary>The PEM private key (PKCS#8, RSA or EC; certbot's <c>privkey.pem</c>), unencrypted.</summary>
    public string? KeyFile { get; set; }

    /// <summary>
    /// A connection whose TLS handshake has not finished by then is closed (slowloris defence; the protocol's
    /// own Hello deadline, <see cref="ServerOptions.HandshakeTimeout"/>, starts after it). Default 10 s.
    /// </summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often the certificate and key files are checked for a change (their final target's modification
    /// time and size, through any symbolic links), besides the file-system watcher, which can miss a change
    /// behind a symbolic link or on a network file system. Default 30 s; a stat of two files each time.
    /// </summary>
    public TimeSpan ReloadCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// True (the default): OpenSSL frees a connection's record buffers (about 17 KiB for reading and as much for
    /// writing) whenever they are empty, instead of keeping both for the connection's life: the server's memory per
    /// idle TLS connection fell from 45.5 to 29.7 KiB (docs/BENCHMARKS.md "Idle memory, 2026-11-24"). The price is
    /// an allocation and a free per record read or written. A connection quiet for a heartbeat after traffic also
    /// frees its memory BIOs' buffers, which keep the size of the largest record otherwise (35.1 to 28.0 KiB per
    /// idle connection after a 16 KB message, docs/BENCHMARKS.md "TLS connections after a large message"). Linux only (elsewhere SslStream does not use OpenSSL); see
    /// <see cref="OpenSslIdleBuffers"/> for how it is applied and what happens where it cannot be.
    /// </summary>
    public bool ReleaseIdleBuffers { get; set; } = true;

    /// <summary>True when <see cref="CertificateFile"/> and <see cref="KeyFile"/> name the certificate.</summary>
    public bool UsesFiles => !string.IsNullOrWhiteSpace(CertificateFile) || !string.IsNullOrWhiteSpace(KeyFile);

    /// <summary><c>DATA/tls</c>: where the self-signed certificate and its key live.</summary>
    public static string SelfSignedDirectory(string dataDirectory) => Path.Combine(dataDirectory, "tls");
}
