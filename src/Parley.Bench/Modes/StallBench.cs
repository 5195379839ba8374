using Parley.Bench.Report;
using Parley.Bench.Server;

namespace Parley.Bench.Modes;

/// <summary>
/// The latency run twice: as is, then with one more member that stops reading as sending starts.
/// The others' percentiles should not move: fan-out offers frames to a stalled member's queue
/// without waiting for it. When the bench starts the server, each half gets a fresh one, so
/// neither inherits the other's warm caches or leftover queues.
/// </summary>
internal static class StallBench
{
    public static async Task<StallResult> RunAsync(LatencyOptions options, BenchSettings settings, CancellationToken cancellationToken)
    {
        LatencyResult baseline, stalled;
        ServerUnderTest first = await settings.OpenServerAsync(cancellationToken).ConfigureAwait(false);
        await using (first.ConfigureAwait(false))
        {
            baseline = await LatencyBench.RunAsync(options, settings, first, withStalledMember: false, cancellationToken).ConfigureAwait(false);
        }

        ServerUnderTest second = await settings.OpenServerAsync(cancellationToken).ConfigureAwait(false);
        await using (second.ConfigureAwait(false))
        {
            stalled = await LatencyBench.RunAsync(options, settings, second, withStalledMember: true, cancellationToken).ConfigureAwait(false);
        }

        return new StallResult(baseline, stalled, baseline.Latency.P99Ms > 0 ? stalled.Latency.P99Ms / baseline.Latency.P99Ms : 0);
    }
}

/// <summary>The two halves of a stall run and how the others' p99 moved.</summary>
/// <param name="P99Ratio">The others' p99 with the stalled member over the p99 without it (target: at most 1.2).</param>
public sealed record StallResult(LatencyResult Baseline, LatencyResult WithStalledMember, double P99Ratio) : IBenchResult
{
    public string Mode => "stall";

    public bool Passed => Baseline.Passed && WithStalledMember.Passed;

    public IReadOnlyList<string> Problems => [.. Baseline.Problems.Select(p => "baseline: " + p), .. WithStalledMember.Problems.Select(p => "stalled: " + p)];

    public void WriteTable(TextWriter output)
    {
        Baseline.WriteTable(output, $"parley bench stall, baseline: {Baseline.Subs:N0} members, {Baseline.Rate:N0} messages/s for {Baseline.Duration:N0} s");
        WithStalledMember.WriteTable(output, $"parley bench stall, with one member that stops reading: {WithStalledMember.Subs:N0} others");
        var table = new Table("stall: the others' latency, without and with the stalled member");
        table.Row("p50", $"{Baseline.Latency.P50Ms:N3} ms -> {WithStalledMember.Latency.P50Ms:N3} ms");
        table.Row("p99", $"{Baseline.Latency.P99Ms:N3} ms -> {WithStalledMember.Latency.P99Ms:N3} ms");
        table.Row("p99.9", $"{Baseline.Latency.P999Ms:N3} ms -> {WithStalledMember.Latency.P999Ms:N3} ms");
        table.Row("max", $"{Baseline.Latency.MaxMs:N3} ms -> {WithStalledMember.Latency.MaxMs:N3} ms");
        table.Row("p99 ratio (target <= 1.2)", $"{P99Ratio:N2}");
        table.Write(output);
    }
}
