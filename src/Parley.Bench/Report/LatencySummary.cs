namespace Parley.Bench.Report;

/// <summary>Percentiles of one latency histogram, in milliseconds.</summary>
public sealed record LatencySummary(long Samples, double MeanMs, double P50Ms, double P90Ms, double P99Ms, double P999Ms, double MaxMs)
{
    /// <summary>Percentiles drawn in the chart: dense near the tail, where the differences are.</summary>
    internal static readonly double[] CurvePercentiles =
        [0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 92.5, 95, 96, 97, 97.5, 98, 98.5, 99, 99.25, 99.5, 99.75, 99.9, 99.95, 99.99, 99.999, 100];

    internal static LatencySummary From(LatencyHistogram h) => new(
        h.Count, h.Mean / 1e6, Ms(h, 50), Ms(h, 90), Ms(h, 99), Ms(h, 99.9), h.Count == 0 ? 0 : h.Max / 1e6);

    internal static double Ms(LatencyHistogram h, double percentile) =>
        percentile >= 100 ? h.Max / 1e6 : h.ValueAtPercentile(percentile) / 1e6;

    internal void WriteRows(Table table, string prefix)
    {
        table.Row($"{prefix}samples", $"{Samples:N0}");
        table.Row($"{prefix}p50", $"{P50Ms:N3} ms");
        table.Row($"{prefix}p90", $"{P90Ms:N3} ms");
        table.Row($"{prefix}p99", $"{P99Ms:N3} ms");
        table.Row($"{prefix}p99.9", $"{P999Ms:N3} ms");
        table.Row($"{prefix}max", $"{MaxMs:N3} ms");
        table.Row($"{prefix}mean", $"{MeanMs:N3} ms");
    }
}
