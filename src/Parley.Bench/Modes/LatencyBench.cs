using System.Diagnostics;
using Parley.Bench.Report;
using Parley.Bench.Server;
using Parley.Bench.Wire;

namespace Parley.Bench.Modes;

/// <summary>Options of <c>parley bench latency</c> (and of each half of <c>stall</c>).</summary>
public sealed record LatencyOptions
{
    /// <summary>Members that receive and record latency.</summary>
    public int Subs { get; init; } = 500;

    /// <summary>Senders; the rate is spread over them round-robin.</summary>
    public int Pubs { get; init; } = 1;

    /// <summary>Messages per second into the room, all senders together.</summary>
    public double Rate { get; init; } = 200;

    /// <summary>Measured seconds.</summary>
    public double Duration { get; init; } = 10;

    /// <summary>Seconds sent at the same rate before the measured ones and not recorded (JIT, caches, TCP windows).</summary>
    public double Warmup { get; init; } = 1;

    /// <summary>Bytes of text per message (at least 16).</summary>
    public int Size { get; init; } = 100;

    /// <summary>How long after the last send the members get to receive everything.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Open-loop latency: messages go out on a fixed schedule whatever the server does, each stamped
/// with its intended send time, and latency is receipt minus that time. A server (or a bench) that
/// stalls therefore delays every message scheduled during the stall, and they all count: no
/// coordinated omission.
/// </summary>
internal static class LatencyBench
{
    public static async Task<LatencyResult> RunAsync(LatencyOptions options, BenchSettings settings, CancellationToken cancellationToken)
    {
        ServerUnderTest server = await settings.OpenServerAsync(cancellationToken).ConfigureAwait(false);
        await using var serverScope = server.ConfigureAwait(false);
        return await RunAsync(options, settings, server, withStalledMember: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One run against <paramref name="server"/>; with <paramref name="withStalledMember"/>, one more member stops reading as sending starts.</summary>
    internal static async Task<LatencyResult> RunAsync(
        LatencyOptions options, BenchSettings settings, ServerUnderTest server, bool withStalledMember, CancellationToken cancellationToken)
    {
        Progress progress = settings.CreateProgress();
        string run = RunId.New();
        string room = $"#bench{run}";
        Crowd subs = await Crowd.ConnectAsync(server, options.Subs, i => $"b{run}s{i}", _ => room, null,
            BenchClient.LargeBuffer, settings.RequestTimeout, progress, "members", cancellationToken).ConfigureAwait(false);
        await using var subsScope = subs.ConfigureAwait(false);
        Crowd pubs = await Crowd.ConnectAsync(server, options.Pubs, i => $"b{run}p{i}", _ => room, null,
            BenchClient.LargeBuffer, settings.RequestTimeout, progress, "senders", cancellationToken).ConfigureAwait(false);
        await using var pubsScope = pubs.ConfigureAwait(false);
        Crowd stalled = await Crowd.ConnectAsync(server, withStalledMember ? 1 : 0, _ => $"b{run}stalled", _ => room, null,
            BenchClient.LargeBuffer, settings.RequestTimeout, progress, "stalled member", cancellationToken).ConfigureAwait(false);
        await using var stalledScope = stalled.ConfigureAwait(false);

        var template = new SayTemplate(room, options.Size);
        long total = (long)Math.Round(options.Rate * (options.Warmup + options.Duration));
        double period = Stopwatch.Frequency / options.Rate;
        // The first message is due a little after the schedule is fixed, so it is not late from the start.
        long start = Stopwatch.GetTimestamp() + Ticks.FromSeconds(0.05);
        long recordFrom = start + Ticks.FromSeconds(options.Warmup);
        foreach (BenchClient member in subs.Members)
        {
            member.Latency = new LatencyHistogram();
            member.RecordFrom = recordFrom;
        }

        var sender = new PacedSender(pubs.Members, [template], start, period, total, recordFrom);
        foreach (BenchClient member in stalled.Members)
        {
            member.StopReading();
        }

        ProcessSample? serverBefore = server.Sample();
        ProcessSample benchBefore = ProcessSample.Self();
        Task sending = sender.StartAsync();
        long sendDeadline = start + Ticks.FromSeconds((options.Warmup + options.Duration) * 2 + 10);
        string phase = withStalledMember ? "stall" : "latency";
        await Waiting.UntilAsync(() => sending.IsCompleted, sendDeadline, progress,
            () => $"{phase}: sent {sender.Sent:N0} of {total:N0}, {subs.Delivered:N0} deliveries", cancellationToken).ConfigureAwait(false);
        sender.Stop();
        bool senderEnded = true;
        try
        {
            // A server that stopped reading leaves the sender blocked in a send; closing the
            // connections at the end of the run releases it, so do not wait for it forever here.
            await sending.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            senderEnded = false;
        }

        long expectedEach = pubs.Members.Sum(p => p.Sent);
        bool drained = await Waiting.UntilAsync(
            () => subs.Members.All(m => m.Delivered >= expectedEach) && pubs.Members.All(p => p.Acked + p.Refused >= p.Sent),
            Waiting.DeadlineIn(options.DrainTimeout), progress,
            () => $"{phase}: draining, {subs.Delivered:N0} of {expectedEach * options.Subs:N0} deliveries", cancellationToken).ConfigureAwait(false);
        ProcessSample? serverAfter = server.Sample();
        ProcessSample benchAfter = ProcessSample.Self();
        progress.Done();

        var problems = new List<string>();
        if (sender.Failure is { } failure)
        {
            problems.Add("sender failed: " + failure.Message);
        }

        if (!senderEnded)
        {
            problems.Add("the sender was still blocked in a send 30 s after its schedule ended: the server stopped reading");
        }

        if (!drained)
        {
            problems.Add($"not everything arrived within {options.DrainTimeout.TotalSeconds:N0} s of the last send: missing deliveries count as lost");
        }

        long acked = pubs.Members.Sum(p => p.Acked);
        long refused = pubs.Members.Sum(p => p.Refused);
        if (refused > 0)
        {
            problems.Add($"the server refused {refused:N0} messages (last: {pubs.Members.Select(p => p.LastRefusal).LastOrDefault(r => r is not null)})");
        }

        DeliveryCount count = DeliveryCount.Of(subs.Members, acked);
        ProblemList.AddClosed(problems, [.. subs.Members, .. pubs.Members]);
        var latency = new LatencyHistogram();
        foreach (BenchClient member in subs.Members)
        {
            latency.Add(member.Latency!);
        }

        StalledMember? stalledFate = null;
        if (withStalledMember)
        {
            stalledFate = await StalledMember.ObserveAsync(stalled.Members[0], acked).ConfigureAwait(false);
        }

        double sendSeconds = Ticks.ToSeconds(sender.LastSend - sender.FirstSend);
        return new LatencyResult(
            server.Description, options.Subs, options.Pubs, options.Rate, options.Duration, options.Warmup, options.Size, settings.SyncCommits,
            sender.Sent, count.Delivered, count.Expected, count.Lost, count.OutOfOrder + count.Malformed, refused,
            sendSeconds > 0 ? (sender.Sent - 1) / sendSeconds : 0,
            LatencySummary.From(latency), LatencySummary.From(sender.Lag),
            CostFigures.Between(serverBefore, serverAfter, benchBefore, benchAfter, count.Delivered), stalledFate, problems)
        {
            Histogram = latency,
        };
    }
}
