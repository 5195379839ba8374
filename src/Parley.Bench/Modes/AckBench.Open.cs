using System.Diagnostics;
using Parley.Bench.Report;
using Parley.Bench.Server;
using Parley.Bench.Wire;

namespace Parley.Bench.Modes;

internal static partial class AckBench
{
    /// <summary>
    /// Messages at a fixed rate, each stamped with its intended send time; the latency of a message is
    /// the receipt of its Sent reply minus that time, so a stall delays every message scheduled during
    /// it and all of them count (no coordinated omission).
    /// </summary>
    private static async Task<AckRun> OpenLoopAsync(
        AckOptions options, double rate, ServerUnderTest server, BenchClient[] pubs, SayTemplate[] templates, Progress progress,
        CancellationToken cancellationToken)
    {
        long total = (long)Math.Round(rate * (options.Warmup + options.Duration));
        long warmupCount = (long)Math.Round(rate * options.Warmup);
        double period = Stopwatch.Frequency / rate;
        // The first message is due a little after the schedule is fixed, so it is not late from the start.
        long start = Stopwatch.GetTimestamp() + Ticks.FromSeconds(0.05);
        var pacer = new PacedSender(pubs, templates, start, period, total, start + Ticks.FromSeconds(options.Warmup));

        // One histogram and counter per sender: each is written by that sender's receive loop only.
        var latencies = new LatencyHistogram[pubs.Length];
        long[] unreadable = new long[pubs.Length];
        long[] lastAck = new long[pubs.Length];
        for (int k = 0; k < pubs.Length; k++)
        {
            int slot = k;
            LatencyHistogram latency = latencies[k] = new LatencyHistogram();
            pubs[k].OnSent = (payload, now) =>
            {
                Volatile.Write(ref lastAck[slot], now);
                if (!SentScan.TryReadClientMsgId(payload, out ulong index))
                {
                    unreadable[slot]++;
                }
                else if (pacer.IsMeasured(index))
                {
                    latency.Record(Ticks.ToNanoseconds(now - pacer.IntendedTime(index)));
                }
            };
        }

        ProcessSample? serverBefore = server.Sample();
        ProcessSample benchBefore = ProcessSample.Self();
        Task sending = pacer.StartAsync();
        long sendDeadline = start + Ticks.FromSeconds((options.Warmup + options.Duration) * 2 + 10);
        await Waiting.UntilAsync(() => sending.IsCompleted, sendDeadline, progress,
            () => $"ack: sent {pacer.Sent:N0} of {total:N0}, {pubs.Sum(p => p.Acked):N0} acknowledged", cancellationToken).ConfigureAwait(false);
        pacer.Stop();
        var problems = new List<string>();
        try
        {
            // A server that stopped reading leaves the pacer blocked in a send; closing the connections releases it.
            await sending.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            problems.Add("the sender was still blocked in a send 30 s after its schedule ended: the server stopped reading");
        }

        bool drained = await Waiting.UntilAsync(() => pubs.All(p => p.Acked + p.Refused >= p.Sent || p.IsClosed), Waiting.DeadlineIn(options.DrainTimeout),
            progress, () => $"ack: draining, {pubs.Sum(p => p.Acked):N0} of {pacer.Sent:N0} acknowledged", cancellationToken).ConfigureAwait(false);
        ProcessSample? serverAfter = server.Sample();
        ProcessSample benchAfter = ProcessSample.Self();
        if (pacer.Failure is { } failure)
        {
            problems.Add("sender failed: " + failure.Message);
        }

        if (!drained)
        {
            problems.Add($"not every message was answered within {options.DrainTimeout.TotalSeconds:N0} s of the last send: the rest count as lost");
        }

        if (unreadable.Sum() is long bad and > 0)
        {
            problems.Add($"{bad:N0} Sent replies carried no client message id the bench wrote");
        }

        var all = new LatencyHistogram();
        foreach (LatencyHistogram latency in latencies)
        {
            all.Add(latency);
        }

        long acked = pubs.Sum(p => p.Acked);
        long end = lastAck.Max() is long last and > 0 ? last : Stopwatch.GetTimestamp();
        return new AckRun(warmupCount, Math.Max(0, pacer.Sent - warmupCount), all.Count, Ticks.ToSeconds(Math.Max(1, end - pacer.IntendedTime((ulong)warmupCount))),
            LatencySummary.From(all), LatencySummary.From(pacer.Lag), CostFigures.Between(serverBefore, serverAfter, benchBefore, benchAfter, acked),
            problems, all);
    }
}
