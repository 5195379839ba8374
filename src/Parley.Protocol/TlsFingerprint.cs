using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Parley.Protocol;

/// <summary>
/// A server's identity as clients pin it: the SHA-256 of its certificate's SubjectPublicKeyInfo (the DER
/// public key with its algorithm), written <c>SHA256:</c> and unpadded base64, the form OpenSSH prints
/// host keys in (docs/PROTOCOL.md, "Transport").
/// </summary>
/// <remarks>
/// The public key rather than the whole certificate: a certificate renewed with the same key (the
/// self-signed one is, before it expires) keeps its fingerprint, so clients need not be told.
/// </remarks>
public static class TlsFingerprint
{
    public const string Prefix = "SHA256:";

    /// <summary>43: 32 bytes in base64 without its one <c>=</c> of padding.</summary>
    private const int EncodedLength = 43;

    /// <summary>The fingerprint of <paramref name="certificate"/>'s public key.</summary>
    public static string Of(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return OfPublicKeyInfo(certificate.PublicKey.ExportSubjectPublicKeyInfo());
    }

    /// <summary>The fingerprint of a DER-encoded SubjectPublicKeyInfo.</summary>
    public static string OfPublicKeyInfo(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(subjectPublicKeyInfo, hash);
        return Prefix + Convert.ToBase64String(hash).TrimEnd('=');
    }

    /// <summary>
    /// Reads a fingerprint as a user may paste it: <c>SHA256:</c> (any case) and 43 base64 characters, with or
    /// without the trailing <c>=</c>. <paramref name="fingerprint"/> is then the canonical form.
    /// </summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out string? fingerprint)
    {
        fingerprint = null;
        text = text?.Trim();
        if (text is null || !text.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        string encoded = text[Prefix.Length..].TrimEnd('=');
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes + 2];
        if (encoded.Length != EncodedLength
            || !Convert.TryFromBase64String(encoded + "=", hash, out int written)
            || written != SHA256.HashSizeInBytes)
        {
            return false;
        }

        fingerprint = Prefix + encoded;
        return true;
    }
}
