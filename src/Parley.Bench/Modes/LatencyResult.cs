using System.Text.Json.Serialization;
using Parley.Bench.Report;

namespace Parley.Bench.Modes;

/// <summary>The figures of one latency run.</summary>
/// <param name="AchievedRate">Messages per second actually sent (below the rate if the server pushed back).</param>
/// <param name="Latency">Receipt minus intended send time, every delivery to every member after the warm-up.</param>
/// <param name="SenderLag">Actual minus intended send time: the part of the latency spent before the message left the bench.</param>
/// <param name="Stalled">With a stalled member (stall mode): what became of it.</param>
public sealed record LatencyResult(
    string Server, int Subs, int Pubs, double Rate, double Duration, double Warmup, int Size, bool Fsync,
    long Messages, long Deliveries, long Expected, long Lost, long OutOfOrder, long Refused, double AchievedRate,
    LatencySummary Latency, LatencySummary SenderLag, CostFigures Cost, StalledMember? Stalled, IReadOnlyList<string> Problems) : IBenchResult
{
    public string Mode => "latency";

    public bool Passed => Lost == 0 && OutOfOrder == 0 && Problems.Count == 0;

    /// <summary>Every recorded sample, for the chart.</summary>
    [JsonIgnore]
    public LatencyHistogram Histogram { get; init; } = new();

    public void WriteTable(TextWriter output) => WriteTable(output, $"parley bench latency: {Subs:N0} members, {Rate:N0} messages/s for {Duration:N0} s, {Size} B");

    internal void WriteTable(TextWriter output, string title)
    {
        var table = new Table(title);
        table.Note("server: " + Server);
        table.Row("senders", $"{Pubs}");
        table.Row("warm-up (not recorded)", $"{Warmup:N1} s");
        table.Row("messages sent", $"{Messages:N0}");
        table.Row("achieved send rate", $"{AchievedRate:N1} /s");
        table.Row("offered deliveries per second", $"{Rate * Subs:N0}");
        table.Row("deliveries", $"{Deliveries:N0}");
        table.Row("lost deliveries", $"{Lost:N0}");
        table.Row("out of order or unreadable", $"{OutOfOrder:N0}");
        table.Row("refused messages", $"{Refused:N0}");
        Latency.WriteRows(table, "latency ");
        table.Row("bench send lag p99", $"{SenderLag.P99Ms:N3} ms");
        table.Row("bench send lag max", $"{SenderLag.MaxMs:N3} ms");
        Cost.WriteRows(table);
        if (Stalled is { } s)
        {
            table.Row("stalled member: read before resuming", $"{s.ReceivedWhileStalled:N0}");
            table.Row("stalled member: read after resuming", $"{s.ReceivedAfterResuming:N0} of {s.Expected:N0}");
            table.Row("stalled member: evicted", s.Evicted ? "yes (SLOW_CONSUMER)" : "no");
            if (s.Ended is not null)
            {
                table.Row("stalled member: connection ended", s.Ended);
            }
        }

        table.Write(output);
        ProblemList.Write(output, Problems);
    }
}
