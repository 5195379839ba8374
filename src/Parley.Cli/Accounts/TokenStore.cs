using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Parley.Client;
using Parley.Protocol;

namespace Parley.Cli.Accounts;

/// <summary>
/// Resume tokens on disk, one file per server and account in <c>$XDG_DATA_HOME/parley/tokens/</c>
/// (<c>~/.local/share/parley/tokens/</c>): the directory is 0700 and each file 0600, since a token logs in
/// like the password. Files are replaced by rename, so a crash never leaves half a token.
/// </summary>
internal sealed class TokenStore(string directory)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public string Directory { get; } = directory;

    /// <summary>The default location.</summary>
    public static TokenStore Default()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        string root = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return new TokenStore(Path.Combine(root, "parley", "tokens"));
    }

    /// <summary>The file for an account on a server (named by a hash, so no name needs escaping).</summary>
    public string PathFor(ParleyEndpoint server, string account) =>
        Path.Combine(Directory, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{server}\n{KeyOf(account)}")))[..32] + ".json");

    /// <summary>The saved token, or null (none, or unreadable).</summary>
    public string? Load(ParleyEndpoint server, string account)
    {
        try
        {
            Saved? saved = JsonSerializer.Deserialize<Saved>(File.ReadAllText(PathFor(server, account)));
            return saved is not null && saved.Server == server.ToString() && KeyOf(saved.Account) == KeyOf(account) && saved.Token.Length > 0 ? saved.Token : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Saves a token, or deletes the saved one (<paramref name="token"/> null).</summary>
    public void Save(ParleyEndpoint server, string account, string? token)
    {
        string path = PathFor(server, account);
        if (token is null)
        {
            // File.Delete ignores a missing file but not a missing directory (nothing was ever saved).
            if (File.Exists(path))
            {
                File.Delete(path);
            }

            return;
        }

        CreatePrivateDirectory(Directory);
        string temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        {
            JsonSerializer.Serialize(stream, new Saved(server.ToString(), account, token), Json);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }

    private static void CreatePrivateDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static string KeyOf(string account) =>
        ContentRules.TryValidateNick(account, out _, out string key, out _) ? key : account;

    private sealed record Saved(string Server, string Account, string Token);
}
