using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Parley.Protocol;

namespace Parley.Client;

/// <summary>One pinned server: <c>host:port SHA256:...</c> on line <see cref="Line"/> (1-based) of the file.</summary>
public sealed record KnownServer(string Server, string Fingerprint, int Line);

/// <summary>
/// The pin store, like SSH's <c>known_hosts</c>: <c>$XDG_DATA_HOME/parley/known_servers</c>
/// (<c>~/.local/share/parley/known_servers</c>), one <c>host:port SHA256:...</c> per line; <c>#</c> starts a
/// comment line. Lines it cannot read are kept as they are when it writes the file.
/// </summary>
/// <remarks>
/// Writes replace the file atomically (a new file, mode 0600, renamed over the old one), so a reader never
/// sees half a file. Two clients pinning different servers at the same moment can lose one of the two pins
/// (the last writer wins); the loser is asked again next time, which is safe.
/// </remarks>
public sealed class KnownServers
{
    private const string Header = "# Parley known servers: one 'host:port SHA256:fingerprint' per line (docs/PROTOCOL.md, Transport).\n" +
        "# Delete a line (or run: parley trust --forget host:port) to forget a server.\n";

    public KnownServers(string path) => Path = path;

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The user's store: <c>$XDG_DATA_HOME/parley/known_servers</c>, or <c>~/.local/share/parley/known_servers</c>.</summary>
    public static KnownServers Default()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        string root = !string.IsNullOrEmpty(xdg) && System.IO.Path.IsPathRooted(xdg)
            ? xdg
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return new KnownServers(System.IO.Path.Combine(root, "parley", "known_servers"));
    }

    /// <summary>
    /// How a server is named in the file: the host as the user wrote it, in lower case, and the port
    /// (<c>chat.example.org:7275</c>, <c>[::1]:7275</c>). A name and its address are different entries, as in SSH.
    /// </summary>
    public static string KeyFor(ParleyEndpoint endpoint) => (endpoint with { Host = endpoint.Host.ToLowerInvariant() }).ToString();

    /// <summary>Every pinned server, in file order.</summary>
    /// <exception cref="IOException">The file exists but cannot be read.</exception>
    public IReadOnlyList<KnownServer> List()
    {
        var servers = new List<KnownServer>();
        string[] lines = ReadLines();
        for (int i = 0; i < lines.Length; i++)
        {
            if (TryParse(lines[i], i + 1, out KnownServer? server))
            {
                servers.Add(server);
            }
        }

        return servers;
    }

    /// <summary>The pin for <paramref name="server"/> (a <see cref="KeyFor"/> key), or null.</summary>
    public KnownServer? Find(string server) => List().FirstOrDefault(s => s.Server == server);

    /// <summary>Pins <paramref name="fingerprint"/> for <paramref name="server"/>, replacing any pin it had.</summary>
    public void Add(string server, string fingerprint)
    {
        if (!TlsFingerprint.TryParse(fingerprint, out string? canonical))
        {
            throw new ArgumentException($"'{fingerprint}' is not a SHA256: fingerprint", nameof(fingerprint));
        }

        List<string> lines = [.. ReadLines().Where(l => !IsFor(l, server))];
        if (lines.Count == 0)
        {
            lines.Add(Header.TrimEnd('\n'));
        }

        lines.Add($"{server} {canonical}");
        Write(lines);
    }

    /// <summary>Removes the pins of <paramref name="server"/>; returns how many lines went.</summary>
    public int Forget(string server)
    {
        string[] lines = ReadLines();
        List<string> kept = [.. lines.Where(l => !IsFor(l, server))];
        if (kept.Count != lines.Length)
        {
            Write(kept);
        }

        return lines.Length - kept.Count;
    }

    private static bool IsFor(string line, string server) => TryParse(line, 0, out KnownServer? s) && s.Server == server;

    private static bool TryParse(string line, int number, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out KnownServer? server)
    {
        server = null;
        string text = line.Trim();
        if (text.Length == 0 || text.StartsWith('#'))
        {
            return false;
        }

        string[] fields = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 2 || !TlsFingerprint.TryParse(fields[1], out string? fingerprint)
            || !ParleyEndpoint.TryParse(fields[0], ProtocolConstants.DefaultPort, out ParleyEndpoint endpoint, out _))
        {
            return false;
        }

        server = new KnownServer(KeyFor(endpoint), fingerprint, number);
        return true;
    }

    private string[] ReadLines()
    {
        try
        {
            return File.ReadAllLines(Path, Encoding.UTF8);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }
    }

    private void Write(List<string> lines)
    {
        string directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        string temporary = string.Create(CultureInfo.InvariantCulture, $"{Path}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                byte[] bytes = new UTF8Encoding(false).GetBytes(string.Join('\n', lines) + "\n");
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, Path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
