using System.Diagnostics;
using System.Text.Json;
using Parley.TestUtilities;
using Xunit.Abstractions;

namespace Parley.IntegrationTests;

/// <summary>
/// The TLS scan of issue 4: testssl.sh (Debian package <c>testssl.sh</c>, command <c>testssl</c>; <c>.ci/run</c> installs it)
/// against <c>parley serve</c> on loopback with its self-signed certificate. It fails on any protocol below TLS 1.2, any
/// offered cipher without forward secrecy, or any finding of MEDIUM or worse other than the ones a self-signed
/// certificate has by nature. Where testssl.sh is not installed the test says so and passes.
/// </summary>
public sealed class TlsScanTests(ITestOutputHelper output)
{
    /// <summary>
    /// What a self-signed certificate is bound to be flagged for: not chaining to a trusted authority (CRITICAL), and
    /// having no CRL or OCSP address (HIGH), since there is no authority to revoke it. Clients pin its key instead.
    /// </summary>
    private static readonly HashSet<string> SelfSignedFindings = ["cert_chain_of_trust", "cert_revocation"];

    private static readonly HashSet<string> Failing = ["MEDIUM", "HIGH", "CRITICAL"];

    /// <summary>
    /// Protocols, cipher categories, forward secrecy with the server's cipher order (every cipher it offers), its
    /// certificate, and the vulnerability checks; not the per-cipher sweep or client simulations, which take many
    /// minutes on a shared two-core machine and judge nothing the above does not. <c>--nodns min</c>: no lookups that
    /// could wait on a resolver from a sandbox.
    /// </summary>
    private static readonly string[] Checks =
        ["--protocols", "--std", "--fs", "--server-preference", "--server-defaults", "--vulnerable", "--nodns", "min"];

    [Fact]
    public async Task Testssl_finds_only_tls_12_and_13_forward_secret_ciphers_and_nothing_worse_than_low_but_the_self_signed_certificate()
    {
        string? testssl = FindOnPath("testssl") ?? FindOnPath("testssl.sh");
        if (testssl is null)
        {
            output.WriteLine("testssl.sh is not installed (apt-get install testssl.sh): scan skipped");
            return;
        }

        await using ServerProcess server = await ServerProcess.StartAsync();
        using var directory = new TempDirectory();
        string json = Path.Combine(directory.Path, "scan.json");
        long start = Stopwatch.GetTimestamp();
        (int exit, string log) = await RunAsync(testssl, [.. Checks, "--warnings", "batch", "--quiet", "--color", "0", "--jsonfile", json, server.Address]);
        TimeSpan took = Stopwatch.GetElapsedTime(start);
        Assert.True(File.Exists(json), $"testssl wrote no JSON (exit {exit}):\n{log}");

        List<Finding> findings = Read(json);
        output.WriteLine($"testssl {string.Join(' ', Checks)}: {findings.Count} findings in {took.TotalSeconds:0} s");
        foreach (IGrouping<string, Finding> bySeverity in findings.GroupBy(f => f.Severity).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {bySeverity.Key}: {bySeverity.Count()}");
        }

        foreach (Finding f in findings.Where(f => f.Severity is not ("OK" or "INFO" or "DEBUG")))
        {
            output.WriteLine($"  {f.Severity} {f.Id}: {f.Text}");
        }

        Dictionary<string, string> byId = findings.GroupBy(f => f.Id).ToDictionary(g => g.Key, g => g.First().Text);
        foreach (string old in (string[])["SSLv2", "SSLv3", "TLS1", "TLS1_1"])
        {
            Assert.True(byId.TryGetValue(old, out string? text) && text.StartsWith("not offered", StringComparison.Ordinal), $"{old}: {text ?? "not reported"}");
        }

        Assert.StartsWith("offered", byId["TLS1_2"], StringComparison.Ordinal);
        Assert.StartsWith("offered", byId["TLS1_3"], StringComparison.Ordinal);

        // Every cipher the server orders for any protocol is among the forward-secret ones.
        HashSet<string> forwardSecret = [.. Words(byId.GetValueOrDefault("FS_ciphers") ?? byId.GetValueOrDefault("PFS_ciphers") ?? string.Empty)];
        List<string> offered = [.. findings.Where(f => f.Id.StartsWith("cipherorder_", StringComparison.Ordinal)).SelectMany(f => Words(f.Text))];
        Assert.NotEmpty(offered);
        Assert.All(offered, cipher => Assert.Contains(cipher, forwardSecret));

        List<Finding> bad = [.. findings.Where(f => Failing.Contains(f.Severity) && !SelfSignedFindings.Contains(f.Id))];
        Assert.True(bad.Count == 0, "findings of MEDIUM or worse:\n" + string.Join('\n', bad.Select(f => $"{f.Severity} {f.Id}: {f.Text}")));
    }

    private sealed record Finding(string Id, string Severity, string Text);

    private static List<Finding> Read(string file)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(file));
        return [.. document.RootElement.EnumerateArray().Select(e => new Finding(
            e.GetProperty("id").GetString() ?? string.Empty,
            e.GetProperty("severity").GetString() ?? string.Empty,
            e.GetProperty("finding").GetString() ?? string.Empty))];
    }

    private static string[] Words(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static async Task<(int Exit, string Log)> RunAsync(string file, string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            // This process only: the one started here.
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"testssl did not finish in 15 minutes:\n{await stdout}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
}
