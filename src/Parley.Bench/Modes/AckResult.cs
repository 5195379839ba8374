using System.Text.Json.Serialization;
using Parley.Bench.Report;

namespace Parley.Bench.Modes;

/// <summary>The figures of one ack run.</summary>
/// <param name="Loop"><c>closed</c> (as fast as acknowledgements come back) or <c>open</c> (a fixed rate).</param>
/// <param name="Window">Closed loop: most unacknowledged messages per sender.</param>
/// <param name="WarmupMessages">Messages sent first, all senders together, not measured.</param>
/// <param name="Messages">Measured messages sent, all senders together.</param>
/// <param name="Acked">Measured messages acknowledged (Sent).</param>
/// <param name="Unanswered">Messages neither acknowledged nor refused at the end, warm-up included (must be 0).</param>
/// <param name="AckedTotal">Every acknowledged message, warm-up included: what the store must hold.</param>
/// <param name="Stored">Messages the store holds in the senders' rooms, read back through History (must equal <paramref name="AckedTotal"/>).</param>
/// <param name="Seconds">Closed loop: first measured send to last Sent; open loop: first measured intended send time to last Sent.</param>
/// <param name="AcksPerSecond">Measured acknowledgements per second.</param>
/// <param name="Latency">Open loop: intended send time to the Sent reply, every measured message.</param>
/// <param name="SenderLag">Open loop: actual minus intended send time, the bench's own share of the latency.</param>
/// <param name="Cost">The server's and the bench's CPU; "per delivery" here means per acknowledged message.</param>
public sealed record AckResult(
    string Server, string Loop, int Pubs, int Size, bool Fsync, int? Window, long WarmupMessages, double? Rate, double? Duration,
    long Messages, long Acked, long Refused, long Unanswered, long AckedTotal, long Stored, double Seconds, double AcksPerSecond,
    LatencySummary? Latency, LatencySummary? SenderLag, CostFigures Cost, IReadOnlyList<string> Problems) : IBenchResult
{
    public string Mode => "ack";

    public bool Passed => Unanswered == 0 && Refused == 0 && Stored == AckedTotal && Problems.Count == 0;

    /// <summary>Every recorded latency sample (open loop), for the chart.</summary>
    [JsonIgnore]
    public LatencyHistogram Histogram { get; init; } = new();

    public void WriteTable(TextWriter output)
    {
        var table = new Table(Rate is double rate
            ? $"parley bench ack: {Pubs} senders, {rate:N0} messages/s for {Duration:N0} s, {Size} B, fsync {(Fsync ? "on" : "off")}"
            : $"parley bench ack: {Pubs} senders x {Messages / Math.Max(1, Pubs):N0} messages of {Size} B, window {Window:N0}, fsync {(Fsync ? "on" : "off")}");
        table.Note("server: " + Server);
        table.Row("warm-up messages (not measured)", $"{WarmupMessages:N0}");
        table.Row("messages sent (measured)", $"{Messages:N0}");
        table.Row("acknowledged (measured)", $"{Acked:N0}");
        table.Row("refused", $"{Refused:N0}");
        table.Row("unanswered", $"{Unanswered:N0}");
        table.Row("stored / acknowledged (all)", $"{Stored:N0} / {AckedTotal:N0}");
        table.Row(Rate is null ? "first send to last ack" : "first intended send to last ack", $"{Seconds:N3} s");
        table.Row("acknowledged messages per second", $"{AcksPerSecond:N0}");
        Latency?.WriteRows(table, "send to ack ");
        if (SenderLag is { } lag)
        {
            table.Row("bench send lag p99", $"{lag.P99Ms:N3} ms");
        }

        table.Row("server CPU", Cost.ServerCpuSeconds is double s ? $"{s:N2} s" : "n/a (no server pid)");
        table.Row("server CPU per acknowledged message", Cost.ServerCpuNsPerDelivery is double n ? $"{n / 1000:N1} us" : "n/a");
        table.Row("bench CPU (load generator)", $"{Cost.BenchCpuSeconds:N2} s");
        table.Write(output);
        ProblemList.Write(output, Problems);
    }
}
