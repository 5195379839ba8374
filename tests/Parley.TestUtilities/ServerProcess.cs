using System.Globalization;
using System.Text.RegularExpressions;

namespace Parley.TestUtilities;

/// <summary>
/// A real server for a test: <c>parley serve --listen 127.0.0.1:0 --data TEMP</c> as a child process, with
/// the port it bound read back from its <c>listening on ADDR:PORT</c> line and, with TLS on (the default), its
/// fingerprint from its <c>tls fingerprint SHA256:...</c> line. Its data directory is a fresh temporary one,
/// deleted on dispose.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly string _dataDirectory;
    private readonly bool _ownsData;

    private ServerProcess(ParleyProcess process, string dataDirectory, bool ownsData, string address, int port, string? fingerprint)
    {
        _dataDirectory = dataDirectory;
        _ownsData = ownsData;
        Process = process;
        Address = address;
        Port = port;
        Fingerprint = fingerprint;
    }

    public ParleyProcess Process { get; }

    /// <summary>Where the server listens, as <c>127.0.0.1:PORT</c>.</summary>
    public string Address { get; }

    public int Port { get; }

    /// <summary>The server's TLS fingerprint (<c>SHA256:...</c>), or null when it runs with <c>--insecure-no-tls</c>.</summary>
    public string? Fingerprint { get; }

    /// <summary>The data directory.</summary>
    public string DataDirectory => _dataDirectory;

    /// <summary>What a client command needs to talk to this server: <c>--trust FINGERPRINT</c>, or <c>--insecure-no-tls</c>.</summary>
    public string[] ClientArgs => Fingerprint is null ? ["--insecure-no-tls"] : ["--trust", Fingerprint];

    /// <summary>Starts a server on <paramref name="port"/> (0: any free port) and waits until it listens.</summary>
    public static Task<ServerProcess> StartAsync(int port = 0, params string[] extraArgs) =>
        StartWithDataAsync(port, dataDirectory: null, extraArgs);

    /// <summary>
    /// Starts a server on <paramref name="dataDirectory"/>, which the caller owns and which outlives this
    /// process (for restart tests); null for a fresh temporary one deleted on dispose. Named apart from
    /// <see cref="StartAsync(int, string[])"/> so that a flag is never taken for a data directory.
    /// </summary>
    public static async Task<ServerProcess> StartWithDataAsync(int port, string? dataDirectory, params string[] extraArgs)
    {
        string data = dataDirectory ?? Path.Combine(Path.GetTempPath(), "parley-tests", Guid.NewGuid().ToString("N"));
        ParleyProcess process = ParleyProcess.Start(
            ["serve", "--listen", string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}"), "--data", data, .. extraArgs]);
        try
        {
            string line = await process.WaitForLineAsync(l => ListeningLine().IsMatch(l), reason: "'listening on 127.0.0.1:PORT'");
            Match match = ListeningLine().Match(line);
            // The banner goes on with the TLS line: the fingerprint, or the warning that TLS is off.
            string tls = await process.WaitForLineAsync(
                l => l.StartsWith("tls fingerprint ", StringComparison.Ordinal) || l.StartsWith("WARNING: TLS is OFF", StringComparison.Ordinal),
                reason: "'tls fingerprint SHA256:...' or the warning that TLS is off");
            Match fingerprint = FingerprintLine().Match(tls);
            return new ServerProcess(process, data, dataDirectory is null, match.Groups["address"].Value,
                int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture), fingerprint.Success ? fingerprint.Groups["fingerprint"].Value : null);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills the server the way a crash or the OOM killer does: SIGKILL, no shutdown at all.</summary>
    public async Task KillAsync()
    {
        Process.Kill();
        await Process.WaitForExitAsync(TimeSpan.FromSeconds(20));
    }

    /// <summary>A port that was free a moment ago, for a server that must come back on the same port.</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Lines the server logged at error level or worse (the console logger marks them <c>fail:</c> and <c>crit:</c>).</summary>
    public IReadOnlyList<string> LoggedErrors => [.. Process.Lines.Concat(Process.ErrorLines).Where(l => ErrorLine().IsMatch(l))];

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        if (!_ownsData)
        {
            return;
        }

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left for the OS to clean up with the rest of the temporary directory.
        }
    }

    [GeneratedRegex(@"(^|\s)(fail|crit): ")]
    private static partial Regex ErrorLine();

    [GeneratedRegex(@"listening on (?<address>127\.0\.0\.1:(?<port>\d+))")]
    private static partial Regex ListeningLine();

    [GeneratedRegex(@"^tls fingerprint (?<fingerprint>SHA256:[A-Za-z0-9+/]{43}) ")]
    private static partial Regex FingerprintLine();
}
