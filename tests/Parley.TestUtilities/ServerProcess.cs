using System.Globalization;
using System.Text.RegularExpressions;

namespace Parley.TestUtilities;

/// <summary>
/// A real server for a test: <c>parley serve --listen 127.0.0.1:0 --data TEMP</c> as a child process, with
/// the port it bound read back from its <c>listening on ADDR:PORT</c> line. Its data directory is a fresh
/// temporary one, deleted on dispose.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly string _dataDirectory;

    private ServerProcess(ParleyProcess process, string dataDirectory, string address, int port)
    {
        _dataDirectory = dataDirectory;
        Process = process;
        Address = address;
        Port = port;
    }

    public ParleyProcess Process { get; }

    /// <summary>Where the server listens, as <c>127.0.0.1:PORT</c>.</summary>
    public string Address { get; }

    public int Port { get; }

    /// <summary>Starts a server on <paramref name="port"/> (0: any free port) and waits until it listens.</summary>
    public static async Task<ServerProcess> StartAsync(int port = 0, params string[] extraArgs)
    {
        string data = Path.Combine(Path.GetTempPath(), "parley-tests", Guid.NewGuid().ToString("N"));
        ParleyProcess process = ParleyProcess.Start(
            ["serve", "--listen", string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}"), "--data", data, .. extraArgs]);
        try
        {
            string line = await process.WaitForLineAsync(l => ListeningLine().IsMatch(l), reason: "'listening on 127.0.0.1:PORT'");
            Match match = ListeningLine().Match(line);
            return new ServerProcess(process, data, match.Groups["address"].Value, int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>Lines the server logged at error level or worse (the console logger marks them <c>fail:</c> and <c>crit:</c>).</summary>
    public IReadOnlyList<string> LoggedErrors => [.. Process.Lines.Concat(Process.ErrorLines).Where(l => ErrorLine().IsMatch(l))];

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
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
}
