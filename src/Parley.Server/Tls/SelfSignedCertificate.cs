using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Parley.Protocol;

namespace Parley.Server.Tls;

/// <summary>
/// The zero-configuration identity: an ECDSA P-256 key and a self-signed certificate in <c>DATA/tls/</c>,
/// made on the first start and kept. Clients pin the key's fingerprint, so the key never changes by itself;
/// the certificate around it is re-issued (same key, same fingerprint) before it expires.
/// </summary>
internal static class SelfSignedCertificate
{
    /// <summary>397 days: under the 398 that browsers and scanners (testssl.sh) accept for a leaf certificate.</summary>
    internal static readonly TimeSpan Lifetime = TimeSpan.FromDays(397);

    /// <summary>Re-issued when less than this is left, at start or at a periodic check.</summary>
    internal static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = OwnerOnly | UnixFileMode.UserExecute;
    private const UnixFileMode PublicFile = OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>
    /// Makes sure <paramref name="directory"/> holds a key and a current certificate for it; returns their paths.
    /// A missing key means a new identity (and a new fingerprint): logged as a warning when a certificate was there.
    /// </summary>
    /// <exception cref="InvalidDataException">The key file exists but is not an EC private key in PEM.</exception>
    public static (string Certificate, string Key) Ensure(string directory, TimeProvider time, ILogger logger)
    {
        string certificatePath = Path.Combine(directory, ServerTlsOptions.SelfSignedCertificateName);
        string keyPath = Path.Combine(directory, ServerTlsOptions.SelfSignedKeyName);
        CreateDirectory(directory);
        using ECDsa key = LoadOrCreateKey(keyPath, certificatePath, logger);
        DateTimeOffset now = time.GetUtcNow();
        if (!IsCurrentFor(certificatePath, key, now, out string? why))
        {
            X509Certificate2 certificate = Issue(key, now);
            using (certificate)
            {
                WriteAtomically(certificatePath, certificate.ExportCertificatePem() + "\n", PublicFile);
                Log.SelfSignedIssued(logger, certificatePath, why, TlsFingerprint.Of(certificate), certificate.NotAfter.ToUniversalTime());
            }
        }

        WarnIfKeyIsReadableByOthers(keyPath, logger);
        return (certificatePath, keyPath);
    }

    /// <summary>A certificate for <paramref name="key"/>, valid from a day ago (clock skew) for <see cref="Lifetime"/>.</summary>
    internal static X509Certificate2 Issue(ECDsa key, DateTimeOffset now)
    {
        string host = SafeHostName();
        var request = new CertificateRequest(new X500DistinguishedName($"CN={host}, O=Parley self-signed"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(host);
        if (!string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            names.AddDnsName("localhost");
        }

        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        return request.CreateSelfSigned(now.AddDays(-1), now.Add(Lifetime));
    }

    private static ECDsa LoadOrCreateKey(string keyPath, string certificatePath, ILogger logger)
    {
        if (File.Exists(keyPath))
        {
            var existing = ECDsa.Create();
            try
            {
                existing.ImportFromPem(File.ReadAllText(keyPath));
                return existing;
            }
            catch (Exception ex) when (ex is ArgumentException or CryptographicException)
            {
                existing.Dispose();
                throw new InvalidDataException(
                    $"{keyPath} is not an EC private key in PEM ({ex.Message}); for another kind of key use --tls-cert and --tls-key", ex);
            }
        }

        if (File.Exists(certificatePath))
        {
            Log.SelfSignedKeyMissing(logger, keyPath);
        }

        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        // Created with mode 0600 by open(2) itself, then renamed into place: the key is never readable by others,
        // not even for a moment, and a crash leaves either no key or a whole one.
        WriteAtomically(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n", OwnerOnly);
        return key;
    }

    private static bool IsCurrentFor(string certificatePath, ECDsa key, DateTimeOffset now, out string why)
    {
        if (!File.Exists(certificatePath))
        {
            why = "first start";
            return false;
        }

        try
        {
            using X509Certificate2 certificate = X509Certificate2.CreateFromPem(File.ReadAllText(certificatePath));
            using ECDsa? certificateKey = certificate.GetECDsaPublicKey();
            if (certificateKey is null || !certificateKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
            {
                why = "the certificate was not for the key";
                return false;
            }

            if (certificate.NotAfter.ToUniversalTime() - now.UtcDateTime < RenewBefore)
            {
                why = "the certificate was about to expire";
                return false;
            }

            why = string.Empty;
            return true;
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            why = "the certificate file was unreadable";
            return false;
        }
    }

    private static void CreateDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, OwnerOnlyDirectory);
        }
    }

    private static void WriteAtomically(string path, string contents, UnixFileMode mode)
    {
        string temporary = $"{path}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(System.Text.Encoding.ASCII.GetBytes(contents));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private static void WarnIfKeyIsReadableByOthers(string keyPath, ILogger logger)
    {
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(keyPath) & ~OwnerOnly & ~UnixFileMode.UserExecute) != 0)
        {
            Log.KeyReadableByOthers(logger, keyPath);
        }
    }

    private static string SafeHostName()
    {
        string name = Environment.MachineName;
        return name.Length > 0 && Uri.CheckHostName(name) == UriHostNameType.Dns ? name.ToLowerInvariant() : "localhost";
    }
}
