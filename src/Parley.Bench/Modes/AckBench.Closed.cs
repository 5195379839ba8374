using System.Diagnostics;
using Parley.Bench.Report;
using Parley.Bench.Server;
using Parley.Bench.Wire;

namespace Parley.Bench.Modes;

internal static partial class AckBench
{
    /// <summary>Every sender sends as fast as its window allows; acknowledged messages per second from the first send to the last Sent.</summary>
    private static async Task<AckRun> ClosedLoopAsync(
        AckOptions options, ServerUnderTest server, BenchClient[] pubs, SayTemplate[] templates, Progress progress, CancellationToken cancellationToken)
    {
        // Written by each sender's receive loop only, read once everything is acknowledged.
        long[] lastAck = new long[pubs.Length];
        for (int k = 0; k < pubs.Length; k++)
        {
            int slot = k;
            pubs[k].OnSent = (_, now) => Volatile.Write(ref lastAck[slot], now);
        }

        var problems = new List<string>();
        int warmup = options.WarmupMessages ?? options.Messages;
        if (warmup > 0)
        {
            Task[] warming = Send(pubs, templates, warmup, options.Window, 1UL << 39, cancellationToken);
            bool warmed = await UntilAnsweredAsync(pubs, warming, warmup, Waiting.DeadlineIn(options.Timeout), progress, "ack warm-up", cancellationToken)
                .ConfigureAwait(false);
            if (!warmed || warming.Any(s => s.IsFaulted))
            {
                problems.Add("the warm-up did not complete: " + (warming.FirstOrDefault(s => s.IsFaulted)?.Exception?.GetBaseException().Message ?? "timed out"));
            }
        }

        long ackedBefore = pubs.Sum(p => p.Acked);
        long target = (long)warmup + options.Messages;
        ProcessSample? serverBefore = server.Sample();
        ProcessSample benchBefore = ProcessSample.Self();
        long start = Stopwatch.GetTimestamp();
        Task[] senders = problems.Count == 0 ? Send(pubs, templates, options.Messages, options.Window, 0, cancellationToken) : [];
        bool complete = problems.Count == 0 && await UntilAnsweredAsync(pubs, senders, target, Waiting.DeadlineIn(options.Timeout), progress, "ack",
            cancellationToken).ConfigureAwait(false);
        ProcessSample? serverAfter = server.Sample();
        ProcessSample benchAfter = ProcessSample.Self();
        // No acknowledgement at all (a run that broke): the rate is over the time waited.
        long end = lastAck.Max() is long last and > 0 ? last : Stopwatch.GetTimestamp();

        foreach (Task sender in senders.Where(s => s.IsFaulted))
        {
            problems.Add("sender failed: " + sender.Exception!.GetBaseException().Message);
        }

        if (!complete && problems.Count == 0)
        {
            problems.Add($"timed out after {options.Timeout.TotalSeconds:N0} s: unacknowledged messages count as lost");
        }

        long acked = pubs.Sum(p => p.Acked) - ackedBefore;
        return new AckRun((long)warmup * pubs.Length, (long)options.Messages * pubs.Length, acked, Ticks.ToSeconds(Math.Max(1, end - start)),
            null, null, CostFigures.Between(serverBefore, serverAfter, benchBefore, benchAfter, acked), problems, new LatencyHistogram());
    }

    private static Task[] Send(BenchClient[] pubs, SayTemplate[] templates, int count, int window, ulong idBase, CancellationToken cancellationToken) =>
        [.. pubs.Select((p, k) => Task.Run(() => p.SendWindowedAsync(templates[k], count, window, idBase + ((ulong)k << 40)), cancellationToken))];

    /// <summary>Until every sender has <paramref name="answered"/> messages acknowledged or refused, a sender fails, or the deadline passes.</summary>
    private static Task<bool> UntilAnsweredAsync(
        BenchClient[] pubs, Task[] senders, long answered, long deadline, Progress progress, string phase, CancellationToken cancellationToken) =>
        Waiting.UntilAsync(() => pubs.All(p => p.Acked + p.Refused >= answered || p.IsClosed) || senders.Any(s => s.IsFaulted), deadline, progress,
            () => $"{phase}: {pubs.Sum(p => p.Acked):N0} of {answered * pubs.Length:N0} acknowledged", cancellationToken);
}
