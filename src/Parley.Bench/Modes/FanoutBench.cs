using System.Diagnostics;
using Parley.Bench.Report;
using Parley.Bench.Server;
using Parley.Bench.Wire;

namespace Parley.Bench.Modes;

/// <summary>Options of <c>parley bench fanout</c>.</summary>
public sealed record FanoutOptions
{
    /// <summary>Members that only receive.</summary>
    public int Subs { get; init; } = 100;

    /// <summary>Members that send (they receive their own and each other's messages too, not counted as deliveries).</summary>
    public int Pubs { get; init; } = 4;

    /// <summary>Messages each sender sends.</summary>
    public int Messages { get; init; } = 5000;

    /// <summary>Bytes of text per message (at least 16: the text starts with a timestamp).</summary>
    public int Size { get; init; } = 100;

    /// <summary>
    /// Most unacknowledged messages per sender. 1,000 keeps a sender below the server's per-client
    /// limit of 1,024 messages awaiting the store, above which the server stops reading from it.
    /// </summary>
    public int Window { get; init; } = 1000;

    /// <summary>
    /// Messages each sender sends first, through the same room, before anything is measured: a fresh
    /// server spends its first seconds compiling its hot paths (tiered JIT) and growing its heap and
    /// page cache, which is not the steady state a long-running server is in. 0: measure from cold.
    /// Null: as many as <see cref="Messages"/>.
    /// </summary>
    public int? WarmupMessages { get; init; }

    /// <summary>Longest the measured phase may take; the run stops there and counts what is missing as lost.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(120);
}

/// <summary>
/// N members in one room, K senders each sending M messages as fast as the window allows;
/// deliveries per second from the first send to the last receipt.
/// </summary>
internal static class FanoutBench
{
    private static Task[] Send(Crowd pubs, SayTemplate template, int count, int window, ulong idBase, CancellationToken cancellationToken) =>
        [.. pubs.Members.Select((p, i) => Task.Run(() => p.SendWindowedAsync(template, count, window, idBase + ((ulong)i << 40)), cancellationToken))];

    public static async Task<FanoutResult> RunAsync(FanoutOptions options, BenchSettings settings, CancellationToken cancellationToken)
    {
        Progress progress = settings.CreateProgress();
        string run = RunId.New();
        string room = $"#bench{run}";
        ServerUnderTest server = await settings.OpenServerAsync(cancellationToken).ConfigureAwait(false);
        await using var serverScope = server.ConfigureAwait(false);
        Crowd subs = await Crowd.ConnectAsync(server, options.Subs, i => $"b{run}s{i}", _ => room, null,
            BenchClient.LargeBuffer, settings.RequestTimeout, progress, "members", cancellationToken).ConfigureAwait(false);
        await using var subsScope = subs.ConfigureAwait(false);
        Crowd pubs = await Crowd.ConnectAsync(server, options.Pubs, i => $"b{run}p{i}", _ => room, null,
            BenchClient.LargeBuffer, settings.RequestTimeout, progress, "senders", cancellationToken).ConfigureAwait(false);
        await using var pubsScope = pubs.ConfigureAwait(false);

        var template = new SayTemplate(room, options.Size);
        long perMember = (long)options.Pubs * options.Messages;
        BenchClient[] all = [.. subs.Members, .. pubs.Members];

        var problems = new List<string>();
        int warmup = options.WarmupMessages ?? options.Messages;
        long warmEach = (long)options.Pubs * warmup;
        if (warmup > 0)
        {
            Task[] warming = Send(pubs, template, warmup, options.Window, 1UL << 39, cancellationToken);
            bool warmed = await Waiting.UntilAsync(() => all.All(m => m.Delivered >= warmEach) || warming.Any(s => s.IsFaulted),
                Waiting.DeadlineIn(options.Timeout), progress,
                () => $"fanout warm-up: {subs.Delivered:N0} of {warmEach * options.Subs:N0} deliveries", cancellationToken).ConfigureAwait(false);
            if (!warmed || warming.Any(s => s.IsFaulted))
            {
                problems.Add("the warm-up did not complete: " + (warming.FirstOrDefault(s => s.IsFaulted)?.Exception?.GetBaseException().Message ?? "timed out"));
            }
        }

        long subsBefore = subs.Delivered, pubsBefore = pubs.Delivered, readsBefore = subs.Members.Sum(m => m.Reads);
        long target = warmEach + perMember;
        ProcessSample? serverBefore = server.Sample();
        ProcessSample benchBefore = ProcessSample.Self();
        long start = Stopwatch.GetTimestamp();
        Task[] senders = Send(pubs, template, options.Messages, options.Window, 0, cancellationToken);
        long deadline = Waiting.DeadlineIn(options.Timeout);
        bool complete = problems.Count == 0 && await Waiting.UntilAsync(
            () => all.All(m => m.Delivered >= target) || senders.Any(s => s.IsFaulted),
            deadline, progress,
            () => $"fanout: {subs.Delivered - subsBefore:N0} of {perMember * options.Subs:N0} deliveries, {Ticks.ToSeconds(Stopwatch.GetTimestamp() - start):N1} s",
            cancellationToken).ConfigureAwait(false);
        long end = all.Max(m => m.LastReceipt);
        ProcessSample? serverAfter = server.Sample();
        ProcessSample benchAfter = ProcessSample.Self();
        progress.Done();

        foreach (Task sender in senders.Where(s => s.IsFaulted))
        {
            problems.Add("sender failed: " + sender.Exception!.GetBaseException().Message);
        }

        if (!complete && problems.Count == 0)
        {
            problems.Add($"timed out after {options.Timeout.TotalSeconds:N0} s: missing deliveries count as lost");
        }

        long acked = pubs.Members.Sum(p => p.Acked);
        long refused = pubs.Members.Sum(p => p.Refused);
        if (refused > 0)
        {
            problems.Add($"the server refused {refused:N0} messages (last: {pubs.Members.Select(p => p.LastRefusal).LastOrDefault(r => r is not null)})");
        }

        // Every message the server acknowledged must reach every member (the warm-up's too); refused ones reach nobody.
        DeliveryCount toSubs = DeliveryCount.Of(subs.Members, acked);
        DeliveryCount toPubs = DeliveryCount.Of(pubs.Members, acked);
        ProblemList.AddClosed(problems, all);
        long measured = toSubs.Delivered - subsBefore;
        double seconds = Ticks.ToSeconds(Math.Max(1, end - start));
        return new FanoutResult(
            server.Description, options.Subs, options.Pubs, options.Messages, options.Size, options.Window, warmup, settings.SyncCommits,
            measured, toPubs.Delivered - pubsBefore, toSubs.Expected + toPubs.Expected, toSubs.Lost + toPubs.Lost,
            toSubs.OutOfOrder + toPubs.OutOfOrder + toSubs.Malformed + toPubs.Malformed, refused,
            seconds, measured / seconds, (acked - warmEach) / seconds,
            measured / (double)Math.Max(1, subs.Members.Sum(m => m.Reads) - readsBefore),
            CostFigures.Between(serverBefore, serverAfter, benchBefore, benchAfter, measured), problems);
    }
}

/// <summary>The figures of one fan-out run.</summary>
/// <param name="WarmupMessages">Messages per sender sent before the measured ones, not counted in the rate or the costs.</param>
/// <param name="Deliveries">Delivered frames the receiving members received in the measured phase: the figure compared with other servers.</param>
/// <param name="SenderEchoes">Delivered frames received by the senders (each sender is a member too); not in the rate.</param>
/// <param name="Expected">Deliveries that should have arrived, echoes included: acknowledged messages times members.</param>
/// <param name="Lost">Expected deliveries that did not arrive (must be 0).</param>
/// <param name="DeliveriesPerRead">Delivered frames per receive call on the members' sockets: how much the server batches its writes.</param>
/// <param name="OutOfOrder">Deliveries out of sequence order, duplicated or unreadable (must be 0).</param>
public sealed record FanoutResult(
    string Server, int Subs, int Pubs, int Messages, int Size, int Window, int WarmupMessages, bool Fsync,
    long Deliveries, long SenderEchoes, long Expected, long Lost, long OutOfOrder, long Refused,
    double Seconds, double DeliveriesPerSecond, double MessagesPerSecond, double DeliveriesPerRead,
    CostFigures Cost, IReadOnlyList<string> Problems) : IBenchResult
{
    public string Mode => "fanout";

    public bool Passed => Lost == 0 && OutOfOrder == 0 && Problems.Count == 0;

    public void WriteTable(TextWriter output)
    {
        var table = new Table($"parley bench fanout: {Subs:N0} members x {Pubs} senders x {Messages:N0} messages of {Size} B");
        table.Note("server: " + Server);
        table.Row("in-flight window per sender", $"{Window:N0}");
        table.Row("warm-up messages per sender (not measured)", $"{WarmupMessages:N0}");
        table.Row("deliveries (to the members)", $"{Deliveries:N0}");
        table.Row("echoes to the senders (not counted)", $"{SenderEchoes:N0}");
        table.Row("lost deliveries", $"{Lost:N0}");
        table.Row("out of order or unreadable", $"{OutOfOrder:N0}");
        table.Row("refused messages", $"{Refused:N0}");
        table.Row("first send to last receipt", $"{Seconds:N3} s");
        table.Row("deliveries per second", $"{DeliveriesPerSecond:N0}");
        table.Row("messages per second (stored)", $"{MessagesPerSecond:N0}");
        table.Row("deliveries per read (members)", $"{DeliveriesPerRead:N1}");
        Cost.WriteRows(table);
        table.Write(output);
        ProblemList.Write(output, Problems);
    }
}
