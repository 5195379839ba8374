using System.Security.Cryptography;
using System.Text;

namespace Parley.Server.Accounts;

/// <summary>Resume tokens and invite codes: random secrets that are stored only as their SHA-256.</summary>
public static class Secrets
{
    /// <summary>A new resume token: 32 random bytes, base64url (43 ASCII characters).</summary>
    public static string NewResumeToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>A new invite code: 16 random bytes, base64url (22 characters), easy to paste.</summary>
    public static string NewInviteCode() => Base64Url(RandomNumberGenerator.GetBytes(16));

    /// <summary>
    /// What the store keeps of a secret: SHA-256 of its UTF-8 bytes, lower-case hex. The secret has 128 or 256
    /// bits of entropy, so a fast hash is enough: a stolen database yields nothing to log in with.
    /// </summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
