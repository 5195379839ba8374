using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace Parley.Server.Accounts;

/// <summary>
/// Argon2id password hashes (RFC 9106) in the PHC string format,
/// <c>$argon2id$v=19$m=19456,t=2,p=1$SALT$HASH</c> (salt and hash in unpadded standard base64), computed by
/// libsodium through NSec. The parameters live in each string, so they can be raised later: a hash weaker
/// than the current parameters verifies as before and is flagged for rehashing.
/// </summary>
/// <remarks>
/// libsodium computes Argon2id with one lane only (<c>p=1</c>); hashes with other parallelism, written by
/// another implementation, are refused rather than mis-verified.
/// </remarks>
public sealed class PasswordHasher
{
    /// <summary>Argon2 version 1.3, the only one libsodium implements.</summary>
    private const int Version = 0x13;
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    private readonly int _memoryKiB;
    private readonly int _iterations;
    private readonly Lazy<string> _dummy;
    private long _computed;

    public PasswordHasher(int memoryKiB = AccountOptions.MinimumMemoryKiB, int iterations = AccountOptions.MinimumIterations)
    {
        _memoryKiB = memoryKiB;
        _iterations = iterations;
        // Verified against when the account does not exist, so an unknown name costs what a wrong password costs.
        _dummy = new Lazy<string>(() => Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)), count: false));
    }

    /// <summary>How many hashes and checks this hasher has run (tests use it to see that a login hashed); the dummy hash's making is not counted.</summary>
    public long Computed => Interlocked.Read(ref _computed);

    /// <summary>Hashes <paramref name="password"/> with a fresh random salt and the current parameters.</summary>
    public string Hash(string password) => Hash(password, count: true);

    private string Hash(string password, bool count)
    {
        byte[] salt = RandomNumberGenerator.GetBytes(SaltBytes);
        byte[] hash = Derive(password, salt, _memoryKiB, _iterations, HashBytes, count);
        return string.Create(CultureInfo.InvariantCulture,
            $"$argon2id$v={Version}$m={_memoryKiB},t={_iterations},p=1${Base64(salt)}${Base64(hash)}");
    }

    /// <summary>
    /// Checks <paramref name="password"/> against a PHC string, in constant time over the hash bytes. A string
    /// that is not a hash this class can check fails. <paramref name="rehash"/> is true when the password is
    /// right but the stored parameters are weaker than the current ones.
    /// </summary>
    public bool Verify(string password, string phc, out bool rehash)
    {
        rehash = false;
        if (!TryParse(phc, out int memory, out int iterations, out byte[]? salt, out byte[]? expected))
        {
            return false;
        }

        byte[] actual = Derive(password, salt, memory, iterations, expected.Length, count: true);
        if (!CryptographicOperations.FixedTimeEquals(actual, expected))
        {
            return false;
        }

        rehash = memory < _memoryKiB || iterations < _iterations || expected.Length < HashBytes;
        return true;
    }

    /// <summary>Runs the same computation as a real check against a hash of a random password; always false.</summary>
    public bool VerifyDummy(string password) => Verify(password, _dummy.Value, out _) && false;

    /// <summary>Reads the parameters of a PHC string, for operators and tests; false if it is not an Argon2id hash.</summary>
    public static bool TryReadParameters(string phc, out int memoryKiB, out int iterations, out int parallelism)
    {
        parallelism = 1;
        return TryParse(phc, out memoryKiB, out iterations, out _, out _);
    }

    private byte[] Derive(string password, byte[] salt, int memoryKiB, int iterations, int length, bool count)
    {
        var parameters = new Argon2Parameters { DegreeOfParallelism = 1, MemorySize = memoryKiB, NumberOfPasses = iterations };
        PasswordBasedKeyDerivationAlgorithm argon = PasswordBasedKeyDerivationAlgorithm.Argon2id(parameters);
        byte[] bytes = Encoding.UTF8.GetBytes(password);
        try
        {
            if (count)
            {
                Interlocked.Increment(ref _computed);
            }

            return argon.DeriveBytes(bytes, salt, length);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private static bool TryParse(string phc, out int memoryKiB, out int iterations, [NotNullWhen(true)] out byte[]? salt, [NotNullWhen(true)] out byte[]? hash)
    {
        memoryKiB = iterations = 0;
        salt = hash = null;
        // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
        string[] parts = phc.Split('$');
        if (parts.Length != 6 || parts[0].Length != 0 || parts[1] != "argon2id" || parts[2] != $"v={Version}")
        {
            return false;
        }

        int parallelism = 0;
        foreach (string pair in parts[3].Split(','))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq != 1 || !int.TryParse(pair.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out int value))
            {
                return false;
            }

            switch (pair[0])
            {
                case 'm': memoryKiB = value; break;
                case 't': iterations = value; break;
                case 'p': parallelism = value; break;
                default: return false;
            }
        }

        // Bounds before any work: a corrupt or hostile row must not make the server allocate gigabytes.
        if (parallelism != 1 || memoryKiB is < 8 or > 4 * 1024 * 1024 || iterations is < 1 or > 100)
        {
            return false;
        }

        salt = FromBase64(parts[4]);
        hash = FromBase64(parts[5]);
        return salt is { Length: SaltBytes } && hash is { Length: >= 16 and <= 64 };
    }

    private static string Base64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    private static byte[]? FromBase64(string text)
    {
        string padded = text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=');
        try
        {
            return Convert.FromBase64String(padded);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
