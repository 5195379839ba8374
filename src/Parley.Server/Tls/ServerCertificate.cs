using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Parley.Protocol;

namespace Parley.Server.Tls;

/// <summary>
/// One loaded certificate with its key, ready for handshakes: the <see cref="SslStreamCertificateContext"/>
/// is built once (chain included) and shared by every connection until a reload replaces it.
/// </summary>
public sealed class ServerCertificate : IDisposable
{
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    private readonly X509Certificate2Collection _intermediates;

    private ServerCertificate(
        X509Certificate2 leaf, X509Certificate2Collection intermediates, string certificateFile, string keyFile, bool selfSigned, (FileStamp, FileStamp) stamp)
    {
        Leaf = leaf;
        _intermediates = intermediates;
        CertificateFile = certificateFile;
        KeyFile = keyFile;
        SelfSigned = selfSigned;
        Fingerprint = TlsFingerprint.Of(leaf);
        // offline: the chain is built from the file's intermediates and the system store only; nothing is
        // fetched from the network at start or on a reload.
        Context = SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
        Stamp = stamp;
    }

    /// <summary>The server's own certificate (with its private key).</summary>
    public X509Certificate2 Leaf { get; }

    public SslStreamCertificateContext Context { get; }

    /// <summary>The SHA-256 fingerprint of the public key (<see cref="TlsFingerprint"/>): what clients pin.</summary>
    public string Fingerprint { get; }

    public string CertificateFile { get; }

    public string KeyFile { get; }

    /// <summary>Made by the server in its data directory (rather than given with <c>--tls-cert</c>).</summary>
    public bool SelfSigned { get; }

    /// <summary>The files as they were when loaded, to notice a change without reading them.</summary>
    internal (FileStamp Certificate, FileStamp Key) Stamp { get; }

    /// <summary>How the banner and the log describe it.</summary>
    public string Description => SelfSigned
        ? $"self-signed certificate {CertificateFile}, expires {Leaf.NotAfter.ToUniversalTime():yyyy-MM-dd}"
        : $"certificate {CertificateFile} ({Leaf.Subject}), expires {Leaf.NotAfter.ToUniversalTime():yyyy-MM-dd}";

    /// <summary>
    /// Loads a PEM certificate chain (the server's certificate first, as in certbot's <c>fullchain.pem</c>) and
    /// its PEM private key (PKCS#8 or the traditional RSA and EC forms, unencrypted).
    /// </summary>
    /// <exception cref="InvalidDataException">A file is missing, unreadable, not PEM, or the key is not the certificate's.</exception>
    public static ServerCertificate Load(string certificateFile, string keyFile, bool selfSigned = false)
    {
        // Stamped before reading: a change made while we read is then seen by the next check.
        (FileStamp, FileStamp) stamp = (FileStamp.Of(certificateFile), FileStamp.Of(keyFile));
        string certificatePem = Read(certificateFile, "certificate");
        string keyPem = Read(keyFile, "key");
        var chain = new X509Certificate2Collection();
        X509Certificate2? leaf = null;
        try
        {
            chain.ImportFromPem(certificatePem);
            if (chain.Count == 0)
            {
                throw new InvalidDataException($"{certificateFile} holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
            }

            // The first certificate of the file is the server's; CreateFromPem pairs it with the key and
            // refuses a key that is not its own.
            leaf = X509Certificate2.CreateFromPem(certificatePem, keyPem);
            if (OperatingSystem.IsWindows())
            {
                // SChannel cannot use an ephemeral key: give it a persisted copy.
                X509Certificate2 ephemeral = leaf;
                leaf = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
                ephemeral.Dispose();
            }

            CheckUsableForServer(leaf, certificateFile);
            var intermediates = new X509Certificate2Collection();
            for (int i = 1; i < chain.Count; i++)
            {
                intermediates.Add(chain[i]);
            }

            chain[0].Dispose();
            return new ServerCertificate(leaf, intermediates, Path.GetFullPath(certificateFile), Path.GetFullPath(keyFile), selfSigned, stamp);
        }
        catch (CryptographicException ex)
        {
            DisposeAll(chain, leaf);
            throw new InvalidDataException($"{certificateFile} and {keyFile} are not a usable certificate and private key: {ex.Message}", ex);
        }
        catch (ArgumentException ex)
        {
            // CreateFromPem's "no PEM found" for either file.
            DisposeAll(chain, leaf);
            throw new InvalidDataException($"{certificateFile} and {keyFile} are not a usable certificate and private key: {ex.Message}", ex);
        }
        catch
        {
            DisposeAll(chain, leaf);
            throw;
        }
    }

    /// <summary>
    /// The fingerprint of the first certificate in a PEM file, without its key (<c>parley admin fingerprint</c>):
    /// the key file may be readable only by the server's own user.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is missing, unreadable or holds no PEM certificate.</exception>
    public static string FingerprintOfFile(string certificateFile)
    {
        string pem = Read(certificateFile, "certificate");
        try
        {
            using X509Certificate2 certificate = X509Certificate2.CreateFromPem(pem);
            return TlsFingerprint.Of(certificate);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw new InvalidDataException($"{certificateFile} holds no PEM certificate: {ex.Message}", ex);
        }
    }

    public void Dispose()
    {
        Leaf.Dispose();
        foreach (X509Certificate2 certificate in _intermediates)
        {
            certificate.Dispose();
        }
    }

    private static string Read(string path, string what)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"cannot read the TLS {what} file {path}: {ex.Message}", ex);
        }
    }

    private static void CheckUsableForServer(X509Certificate2 leaf, string certificateFile)
    {
        foreach (X509Extension extension in leaf.Extensions)
        {
            if (extension is X509EnhancedKeyUsageExtension usage && usage.EnhancedKeyUsages.Count > 0
                && !usage.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == ServerAuthOid))
            {
                throw new InvalidDataException($"the certificate in {certificateFile} is not for TLS servers (its extended key usage lacks serverAuth)");
            }
        }
    }

    private static void DisposeAll(X509Certificate2Collection chain, X509Certificate2? leaf)
    {
        leaf?.Dispose();
        foreach (X509Certificate2 certificate in chain)
        {
            certificate.Dispose();
        }
    }
}
