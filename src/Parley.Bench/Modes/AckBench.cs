using Parley.Bench.Report;
using Parley.Bench.Server;
using Parley.Bench.Wire;

namespace Parley.Bench.Modes;

/// <summary>Options of <c>parley bench ack</c>.</summary>
public sealed record AckOptions
{
    /// <summary>Senders, each alone in a room of its own: nothing is fanned out but the sender's own echo.</summary>
    public int Pubs { get; init; } = 4;

    /// <summary>Closed loop: messages each sender sends after its warm-up.</summary>
    public int Messages { get; init; } = 20_000;

    /// <summary>Bytes of text per message (at least 16).</summary>
    public int Size { get; init; } = 100;

    /// <summary>
    /// Closed loop: most unacknowledged messages per sender. 1,000 keeps a sender below the server's
    /// per-client limit of 1,024 messages awaiting the store, above which it stops reading from it.
    /// </summary>
    public int Window { get; init; } = 1000;

    /// <summary>Closed loop: messages each sender sends first, not measured (JIT, page cache, WAL growth). Null: as many as <see cref="Messages"/>.</summary>
    public int? WarmupMessages { get; init; }

    /// <summary>Open loop when set: messages per second, all senders together, on a fixed schedule. Null: closed loop.</summary>
    public double? Rate { get; init; }

    /// <summary>Open loop: measured seconds.</summary>
    public double Duration { get; init; } = 10;

    /// <summary>Open loop: seconds at the same rate before the measured ones, not recorded.</summary>
    public double Warmup { get; init; } = 1;

    /// <summary>Longest the warm-up, and then the measured phase, may take (closed loop).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>How long after the last send the acknowledgements get to arrive (open loop).</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Durable acknowledgements (issue 5): how many messages per second the server stores, fsyncs and
/// acknowledges (closed loop), and how long from a message's intended send time to its Sent reply at
/// a fixed rate (open loop). Each sender is alone in its own room, so fan-out costs nothing but its
/// echo. At the end every sender reads its room's stored count back and it must equal what was acknowledged.
/// </summary>
internal static partial class AckBench
{
    public static async Task<AckResult> RunAsync(AckOptions options, BenchSettings settings, CancellationToken cancellationToken)
    {
        Progress progress = settings.CreateProgress();
        string run = RunId.New();
        string[] rooms = [.. Enumerable.Range(0, options.Pubs).Select(k => $"#bench{run}a{k}")];
        ServerUnderTest server = await settings.OpenServerAsync(cancellationToken).ConfigureAwait(false);
        await using var serverScope = server.ConfigureAwait(false);
        Crowd pubs = await Crowd.ConnectAsync(server, options.Pubs, k => $"b{run}a{k}", k => rooms[k], null,
            BenchClient.LargeBuffer, settings.RequestTimeout, progress, "senders", cancellationToken).ConfigureAwait(false);
        await using var pubsScope = pubs.ConfigureAwait(false);
        SayTemplate[] templates = [.. rooms.Select(r => new SayTemplate(r, options.Size))];

        AckRun measured = options.Rate is double rate
            ? await OpenLoopAsync(options, rate, server, pubs.Members, templates, progress, cancellationToken).ConfigureAwait(false)
            : await ClosedLoopAsync(options, server, pubs.Members, templates, progress, cancellationToken).ConfigureAwait(false);

        // Echoes: each sender is the one member of its room, so it receives each of its stored messages once, in sequence.
        await Waiting.UntilAsync(() => pubs.Members.All(p => p.Delivered >= p.Acked || p.IsClosed), Waiting.DeadlineIn(TimeSpan.FromSeconds(10)),
            progress, () => "ack: waiting for the echoes", cancellationToken).ConfigureAwait(false);
        progress.Done();
        List<string> problems = measured.Problems;
        long refused = pubs.Members.Sum(p => p.Refused);
        if (refused > 0)
        {
            problems.Add($"the server refused {refused:N0} messages (last: {pubs.Members.Select(p => p.LastRefusal).LastOrDefault(r => r is not null)})");
        }

        long unanswered = pubs.Members.Sum(p => p.Sent - p.Acked - p.Refused);
        if (unanswered > 0)
        {
            problems.Add($"{unanswered:N0} messages were neither acknowledged nor refused");
        }

        long echoProblems = pubs.Members.Sum(p => Math.Max(p.Missing, p.Acked - p.Delivered) + p.OutOfOrder + p.Malformed);
        if (echoProblems > 0)
        {
            problems.Add($"{echoProblems:N0} echoes to the senders missing, out of order or unreadable");
        }

        ProblemList.AddClosed(problems, pubs.Members);
        long acked = pubs.Members.Sum(p => p.Acked);
        long stored = await StoredCheck.CountAsync(pubs.Members, rooms, settings.RequestTimeout, problems).ConfigureAwait(false);
        return new AckResult(
            server.Description, options.Rate is null ? "closed" : "open", options.Pubs, options.Size, settings.SyncCommits,
            options.Rate is null ? options.Window : null, measured.Warmup, options.Rate, options.Rate is null ? null : options.Duration,
            measured.Sent, measured.Acked, refused, unanswered, acked, stored, measured.Seconds,
            measured.Acked / Math.Max(1e-9, measured.Seconds), measured.Latency, measured.SenderLag, measured.Cost, problems)
        {
            Histogram = measured.Histogram,
        };
    }

    /// <summary>What one loop measured, before the checks common to both.</summary>
    private sealed record AckRun(
        long Warmup, long Sent, long Acked, double Seconds, LatencySummary? Latency, LatencySummary? SenderLag, CostFigures Cost,
        List<string> Problems, LatencyHistogram Histogram);
}
