using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Parley.Protocol;

namespace Parley.IntegrationTests;

/// <summary>Certificates as operators bring them: PEM files, RSA or ECDSA, laid out the way certbot lays them out.</summary>
internal static class TestCertificates
{
    /// <summary>A self-signed certificate for localhost and its key, as PEM text, with the key's fingerprint.</summary>
    public static (string CertificatePem, string KeyPem, string Fingerprint) Create(bool rsa)
    {
        using AsymmetricAlgorithm key = rsa ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        CertificateRequest request = key is RSA r
            ? new CertificateRequest("CN=localhost", r, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest("CN=localhost", (ECDsa)key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(90));
        string keyPem = key is RSA rsaKey ? rsaKey.ExportRSAPrivateKeyPem() : ((ECDsa)key).ExportPkcs8PrivateKeyPem();
        return (certificate.ExportCertificatePem(), keyPem, TlsFingerprint.Of(certificate));
    }

    /// <summary>
    /// certbot's layout in <paramref name="root"/>: <c>live/fullchain.pem</c> and <c>live/privkey.pem</c>, symbolic links
    /// to numbered files in <c>archive/</c>. Each <see cref="Renew"/> writes the next pair and swaps the links, as
    /// <c>certbot renew</c> does.
    /// </summary>
    public sealed class CertbotLayout
    {
        private int _version;

        public CertbotLayout(string root)
        {
            Root = root;
            Directory.CreateDirectory(Path.Combine(root, "live"));
            Directory.CreateDirectory(Path.Combine(root, "archive"));
        }

        public string Root { get; }

        public string CertificateFile => Path.Combine(Root, "live", "fullchain.pem");

        public string KeyFile => Path.Combine(Root, "live", "privkey.pem");

        /// <summary>A new key and certificate in place; returns the new fingerprint.</summary>
        public string Renew(bool rsa = false)
        {
            (string certificate, string key, string fingerprint) = Create(rsa);
            _version++;
            string archivedCertificate = Path.Combine(Root, "archive", $"fullchain{_version}.pem");
            string archivedKey = Path.Combine(Root, "archive", $"privkey{_version}.pem");
            File.WriteAllText(archivedCertificate, certificate);
            File.WriteAllText(archivedKey, key);
            SwapLink(CertificateFile, archivedCertificate);
            SwapLink(KeyFile, archivedKey);
            return fingerprint;
        }

        /// <summary>
        /// A new key and certificate written over the current archive files, the links untouched: a change a watcher on
        /// <c>live/</c> does not see (only SIGHUP or the periodic check does). Returns the new fingerprint.
        /// </summary>
        public string RewriteInPlace(bool rsa = false)
        {
            (string certificate, string key, string fingerprint) = Create(rsa);
            File.WriteAllText(Path.Combine(Root, "archive", $"fullchain{_version}.pem"), certificate);
            File.WriteAllText(Path.Combine(Root, "archive", $"privkey{_version}.pem"), key);
            return fingerprint;
        }

        /// <summary>Points <paramref name="link"/> at <paramref name="target"/> in one rename, so no reader sees no file.</summary>
        private static void SwapLink(string link, string target)
        {
            string temporary = link + ".new";
            File.Delete(temporary);
            File.CreateSymbolicLink(temporary, Path.GetRelativePath(Path.GetDirectoryName(link)!, target));
            File.Move(temporary, link, overwrite: true);
        }
    }
}
