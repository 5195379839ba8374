using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Parley.Client;
using Parley.Protocol;

namespace Parley.Bench.Server;

/// <summary>How to run the <c>parley</c> executable: a file name and the arguments that come before <c>serve</c>.</summary>
/// <param name="FileName">The apphost, or the dotnet host.</param>
/// <param name="Arguments">Nothing for the apphost; the path of parley.dll for the dotnet host.</param>
public sealed record ServerLauncher(string FileName, IReadOnlyList<string> Arguments);

/// <summary>
/// The server a run measures: either a <c>parley serve</c> child started here on 127.0.0.1:0 with a
/// fresh data directory (killed, that process only, when disposed), or a running one named by
/// <c>--server</c>, which must be on a loopback address.
/// </summary>
internal sealed class ServerUnderTest : IAsyncDisposable
{
    private const int TailLines = 40;

    /// <summary>The banner line of <c>parley serve</c> that carries its fingerprint.</summary>
    private const string FingerprintLine = "tls fingerprint ";
    private readonly Process? _child;
    private readonly string? _dataDirectory;
    private readonly Queue<string> _tail = new();
    private readonly List<Task> _pumps = [];

    private ServerUnderTest(IPEndPoint endPoint, int? processId, string description, Process? child, string? dataDirectory, ServerTrust? trust = null)
    {
        Trust = trust;
        EndPoint = endPoint;
        ProcessId = processId;
        Description = description;
        _child = child;
        _dataDirectory = dataDirectory;
    }

    public IPEndPoint EndPoint { get; private set; }

    /// <summary>How the bench's connections check the server over TLS; null for a plain server (<c>--insecure-no-tls</c>).</summary>
    public ServerTrust? Trust { get; private set; }

    /// <summary>The server's process id when known (the child's, or <c>--server-pid</c>): its /proc is sampled.</summary>
    public int? ProcessId { get; }

    public string Description { get; }

    /// <summary>True when the bench started the server (so its settings are the bench's).</summary>
    public bool Owned => _child is not null;

    /// <summary>The server's CPU and memory now, or null when there is no process id to read.</summary>
    public ProcessSample? Sample() => ProcessId is int pid ? ProcessSample.Read(pid) : null;

    /// <summary>The last lines the child wrote (warnings and errors: it runs at log level Warning).</summary>
    public string RecentOutput
    {
        get
        {
            lock (_tail)
            {
                return string.Join('\n', _tail);
            }
        }
    }

    /// <summary>
    /// Starts <c>parley serve --listen 127.0.0.1:0</c> with a fresh data directory and limits that
    /// let the load in, and waits for it to print the port it bound and, with TLS, its fingerprint: the
    /// bench's connections accept that fingerprint and nothing else.
    /// </summary>
    public static async Task<ServerUnderTest> StartAsync(ServerLauncher launcher, bool syncCommits, bool tls, TimeSpan timeout, CancellationToken cancellationToken)
    {
        string data = Path.Combine(Path.GetTempPath(), "parley-bench-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(data);
        var info = new ProcessStartInfo(launcher.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string arg in launcher.Arguments)
        {
            info.ArgumentList.Add(arg);
        }

        // The defaults admit 64 connections per address; the load comes from a handful of 127.0.0.x.
        // Flood control off: the bench sends as fast as the server accepts, which is what it measures
        // (the default allows a client 2 messages a second). Log level Warning: a line per connection
        // would cost the server CPU the run is measuring.
        foreach (string arg in (string[])["serve", "--listen", "127.0.0.1:0", "--data", data, "--log-level", "Warning",
                     "--max-connections", "10000000", "--max-connections-per-ip", "10000000", "--no-rate-limits"])
        {
            info.ArgumentList.Add(arg);
        }

        if (!tls)
        {
            info.ArgumentList.Add("--insecure-no-tls");
        }

        info.Environment["PARLEY__SyncCommits"] = syncCommits ? "true" : "false";
        info.Environment["DOTNET_NOLOGO"] = "1";
        // The bench's own socket setting (see BenchSettings.UseInlineSocketCompletions) is not the server's.
        if (BenchSettings.InlineCompletionsSetByBench)
        {
            info.Environment.Remove(BenchSettings.InlineCompletionsVariable);
        }

        Process process = Process.Start(info) ?? throw new InvalidOperationException($"{launcher.FileName} did not start");
        var server = new ServerUnderTest(new IPEndPoint(IPAddress.Loopback, 0), process.Id,
            $"parley serve started by the bench (pid {process.Id}, data {data}, fsync {(syncCommits ? "on" : "off")}, tls {(tls ? "on" : "off")}, rate limits off)", process, data);
        var listening = new TaskCompletionSource<IPEndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        var fingerprint = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        server._pumps.Add(server.PumpAsync(process.StandardOutput, listening, fingerprint));
        server._pumps.Add(server.PumpAsync(process.StandardError, null, null));
        try
        {
            server.EndPoint = await listening.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            if (tls)
            {
                // Its own fingerprint, read from its banner; nothing is written to the user's known servers.
                string pinned = await fingerprint.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
                server.Trust = new ServerTrust(
                    new ParleyEndpoint(server.EndPoint.Address.ToString(), server.EndPoint.Port),
                    new ClientTlsOptions { TrustedFingerprint = pinned, RememberPins = false });
            }

            return server;
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or OperationCanceledException)
        {
            string output = server.RecentOutput;
            await server.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"parley serve did not start listening: {ex.Message}\n{output}", ex);
        }
    }

    /// <summary>
    /// A server already running at <paramref name="hostPort"/>; refused unless it resolves to a loopback address. With
    /// <paramref name="tls"/> (null: plain TCP), its certificate is checked as any client's would be: a public chain,
    /// the fingerprint given with <c>--trust</c>, or a pin in the known-servers file.
    /// </summary>
    public static async Task<ServerUnderTest> AttachAsync(string hostPort, int? processId, ClientTlsOptions? tls, CancellationToken cancellationToken)
    {
        ParleyEndpoint endpoint = ParleyEndpoint.Parse(hostPort, ProtocolConstants.DefaultPort);
        IPAddress[] addresses = IPAddress.TryParse(endpoint.Host, out IPAddress? literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endpoint.Host, cancellationToken).ConfigureAwait(false);
        IPAddress? address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && IPAddress.IsLoopback(a))
            ?? addresses.FirstOrDefault(IPAddress.IsLoopback);
        if (address is null)
        {
            throw new ArgumentException($"{hostPort} is not a loopback address: the bench only sends traffic to this machine (127.0.0.0/8, ::1)");
        }

        return new ServerUnderTest(new IPEndPoint(address, endpoint.Port), processId,
            $"running server at {address}:{endpoint.Port}{(processId is int pid ? $" (pid {pid})" : " (no pid: no CPU or memory figures)")}, tls {(tls is null ? "off" : "on")}",
            null, null, tls is null ? null : new ServerTrust(endpoint, tls));
    }

    public async ValueTask DisposeAsync()
    {
        if (_child is null)
        {
            return;
        }

        try
        {
            if (!_child.HasExited)
            {
                // This process only: the bench started it, and nothing else.
                _child.Kill(entireProcessTree: false);
            }

            await _child.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            await Task.WhenAll(_pumps).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            // Already gone, or its pipes are held open by nothing we control.
        }
        finally
        {
            _child.Dispose();
            TryDeleteData();
        }
    }

    private void TryDeleteData()
    {
        try
        {
            if (_dataDirectory is not null && Directory.Exists(_dataDirectory))
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A temp directory left behind is harmless.
        }
    }

    private async Task PumpAsync(StreamReader reader, TaskCompletionSource<IPEndPoint>? listening, TaskCompletionSource<string>? fingerprint)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (listening is not null && line.StartsWith("listening on ", StringComparison.Ordinal)
                && IPEndPoint.TryParse(line["listening on ".Length..].Trim(), out IPEndPoint? bound))
            {
                listening.TrySetResult(bound);
                continue;
            }

            if (fingerprint is not null && line.StartsWith(FingerprintLine, StringComparison.Ordinal)
                && TlsFingerprint.TryParse(line[FingerprintLine.Length..].Split(' ')[0], out string? printed))
            {
                fingerprint.TrySetResult(printed);
                continue;
            }

            lock (_tail)
            {
                _tail.Enqueue(line);
                if (_tail.Count > TailLines)
                {
                    _tail.Dequeue();
                }
            }
        }

        listening?.TrySetException(new InvalidOperationException("the server exited before listening"));
        fingerprint?.TrySetException(new InvalidOperationException("the server exited without printing its TLS fingerprint"));
    }
}
