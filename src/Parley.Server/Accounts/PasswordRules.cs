using System.Text;

namespace Parley.Server.Accounts;

/// <summary>What a new password must be (docs/PROTOCOL.md, "Accounts and authentication"): 8 to 1024 UTF-8 bytes.</summary>
public static class PasswordRules
{
    public const int MinBytes = 8;
    public const int MaxBytes = 1024;

    public static string Description => $"a password is {MinBytes} to {MaxBytes} UTF-8 bytes";

    public static bool IsAcceptable(string password) => Encoding.UTF8.GetByteCount(password) is >= MinBytes and <= MaxBytes;
}
