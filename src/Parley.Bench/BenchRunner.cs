using System.Text.Json;
using Parley.Bench.Modes;
using Parley.Bench.Report;

namespace Parley.Bench;

/// <summary>The entry points the <c>parley bench</c> command calls, and the output of their results.</summary>
public static class BenchRunner
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static async Task<IBenchResult> FanoutAsync(FanoutOptions options, BenchSettings settings, CancellationToken cancellationToken) =>
        await FanoutBench.RunAsync(options, settings, cancellationToken).ConfigureAwait(false);

    public static async Task<IBenchResult> LatencyAsync(LatencyOptions options, BenchSettings settings, string? chart, CancellationToken cancellationToken)
    {
        LatencyResult result = await LatencyBench.RunAsync(options, settings, cancellationToken).ConfigureAwait(false);
        if (chart is not null)
        {
            SvgChart.Write(chart, $"parley latency: {result.Subs:N0} members, {result.Rate:N0} messages/s, {result.Size} B",
                [($"p99 {result.Latency.P99Ms:N2} ms", result.Histogram)]);
        }

        return result;
    }

    public static async Task<IBenchResult> StallAsync(LatencyOptions options, BenchSettings settings, string? chart, CancellationToken cancellationToken)
    {
        StallResult result = await StallBench.RunAsync(options, settings, cancellationToken).ConfigureAwait(false);
        if (chart is not null)
        {
            SvgChart.Write(chart, $"parley stall: {result.Baseline.Subs:N0} members, {result.Baseline.Rate:N0} messages/s, one stops reading",
                [("without", result.Baseline.Histogram), ("with stalled member", result.WithStalledMember.Histogram)]);
        }

        return result;
    }

    public static async Task<IBenchResult> AckAsync(AckOptions options, BenchSettings settings, string? chart, CancellationToken cancellationToken)
    {
        AckResult result = await AckBench.RunAsync(options, settings, cancellationToken).ConfigureAwait(false);
        if (chart is not null && result.Latency is { } latency)
        {
            SvgChart.Write(chart, $"parley ack: {result.Pubs} senders, {result.Rate:N0} messages/s, fsync {(result.Fsync ? "on" : "off")}",
                [($"send to ack, p99 {latency.P99Ms:N2} ms", result.Histogram)]);
        }

        return result;
    }

    public static async Task<IBenchResult> IdleAsync(IdleOptions options, BenchSettings settings, CancellationToken cancellationToken) =>
        await IdleBench.RunAsync(options, settings, cancellationToken).ConfigureAwait(false);

    /// <summary>Writes the result as a table or as JSON; returns the exit code: 0 passed, 1 lost or broken deliveries.</summary>
    public static int Report(IBenchResult result, TextWriter output, bool json)
    {
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(result, result.GetType(), Json));
        }
        else
        {
            result.WriteTable(output);
            output.WriteLine(result.Passed ? "result: ok, no delivery lost" : "result: FAILED (see above)");
        }

        return result.Passed ? 0 : 1;
    }
}
