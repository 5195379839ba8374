using Parley.Bench.Server;
using Parley.Client;

namespace Parley.Bench;

/// <summary>What every mode shares: which server, how to start one, where progress goes.</summary>
public sealed class BenchSettings
{
    /// <summary><c>HOST:PORT</c> of a running server (loopback only); null: the bench starts <c>parley serve</c> itself.</summary>
    public string? Server { get; init; }

    /// <summary>The running server's process id, so its CPU and memory can be read from /proc.</summary>
    public int? ServerPid { get; init; }

    /// <summary>How to start <c>parley serve</c> when <see cref="Server"/> is null.</summary>
    public ServerLauncher? Launcher { get; init; }

    /// <summary>fsync every group commit (the server's default). False measures without it.</summary>
    public bool SyncCommits { get; init; } = true;

    /// <summary>
    /// TLS (the default, as users run it): a server the bench starts uses its self-signed certificate and the bench trusts
    /// exactly its fingerprint. False (<c>--insecure-no-tls</c>): plain TCP both ways.
    /// </summary>
    public bool Tls { get; init; } = true;

    /// <summary>For <see cref="Server"/>: the fingerprint to accept (<c>--trust</c>); null: a public chain or a pinned key.</summary>
    public string? TrustedFingerprint { get; init; }

    /// <summary>Standard error, or null for no progress display.</summary>
    public TextWriter? ProgressOutput { get; init; }

    /// <summary>Whether the progress output is a terminal (the line is then rewritten in place).</summary>
    public bool ProgressIsTerminal { get; init; }

    /// <summary>Longest wait for one setup reply (Welcome, Joined).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    internal const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>True when <see cref="UseInlineSocketCompletions"/> set the variable (so the server child must not inherit it).</summary>
    internal static bool InlineCompletionsSetByBench { get; private set; }

    /// <summary>
    /// Runs socket completions on the runtime's epoll thread instead of queueing each to the thread
    /// pool. The receive loops only parse and count, so the hop per read (a work item, a wake-up of
    /// a pool thread) would be most of the bench's cost when the server sends one frame per read, as
    /// it does at low rates; it would also add scheduling delay to every latency sample. Must run
    /// before this process opens its first socket (the runtime reads the variable once); a value
    /// the user set is left alone, and the server child never inherits it.
    /// </summary>
    public static void UseInlineSocketCompletions()
    {
        if (Environment.GetEnvironmentVariable(InlineCompletionsVariable) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
            InlineCompletionsSetByBench = true;
        }
    }

    internal Progress CreateProgress() => ProgressOutput is null ? Progress.Quiet : new Progress(ProgressOutput, ProgressIsTerminal);

    internal async Task<ServerUnderTest> OpenServerAsync(CancellationToken cancellationToken)
    {
        if (Server is not null)
        {
            ClientTlsOptions? tls = Tls ? new ClientTlsOptions { TrustedFingerprint = TrustedFingerprint, RememberPins = false } : null;
            return await ServerUnderTest.AttachAsync(Server, ServerPid, tls, cancellationToken).ConfigureAwait(false);
        }

        ServerLauncher launcher = Launcher ?? throw new InvalidOperationException("no --server given and no way to start parley serve");
        return await ServerUnderTest.StartAsync(launcher, SyncCommits, Tls, TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
    }
}
