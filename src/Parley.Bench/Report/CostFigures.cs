using Parley.Bench.Server;
using Parley.Bench.Wire;

namespace Parley.Bench.Report;

/// <summary>
/// What a measured phase cost: the server's CPU time and memory (from /proc, when its process id is
/// known) and the load generator's own CPU time, which shares the same cores.
/// </summary>
/// <param name="BenchReceive">Which loop read the bench's connections: "epoll" (its own thread, plain TCP on Linux x86-64) or "stream".</param>
public sealed record CostFigures(
    double? ServerCpuSeconds,
    double? ServerCpuNsPerDelivery,
    long? ServerRssBytes,
    double BenchCpuSeconds,
    double BenchCpuNsPerDelivery,
    string BenchReceive)
{
    internal static CostFigures Between(
        ProcessSample? serverBefore, ProcessSample? serverAfter, ProcessSample benchBefore, ProcessSample benchAfter, long deliveries)
    {
        double? serverCpu = serverBefore is { } b && serverAfter is { } a ? (a.Cpu - b.Cpu).TotalSeconds : null;
        double benchCpu = (benchAfter.Cpu - benchBefore.Cpu).TotalSeconds;
        long per = Math.Max(1, deliveries);
        return new CostFigures(serverCpu, serverCpu * 1e9 / per, serverAfter?.RssBytes, benchCpu, benchCpu * 1e9 / per, BenchClient.DescribeReceivePaths());
    }

    internal void WriteRows(Table table)
    {
        table.Row("server CPU", ServerCpuSeconds is double s ? $"{s:N2} s" : "n/a (no server pid)");
        table.Row("server CPU per delivery", ServerCpuNsPerDelivery is double n ? $"{n:N0} ns" : "n/a");
        table.Row("server RSS at end", ServerRssBytes is long r ? $"{r / (1024.0 * 1024):N1} MiB" : "n/a");
        table.Row("bench CPU (load generator)", $"{BenchCpuSeconds:N2} s");
        table.Row("bench CPU per delivery", $"{BenchCpuNsPerDelivery:N0} ns");
        table.Row("bench receive path", BenchReceive);
    }
}
