using System.Diagnostics;
using System.Net;
using Parley.Bench.Report;
using Parley.Bench.Server;
using Parley.Bench.Wire;

namespace Parley.Bench.Modes;

/// <summary>Options of <c>parley bench idle</c>.</summary>
public sealed record IdleOptions
{
    /// <summary>Connections to hold, each logged in and joined.</summary>
    public int Conns { get; init; } = 10_000;

    /// <summary>Members per room: joins announce themselves to every member, so one huge room would cost N² presence frames to set up.</summary>
    public int RoomSize { get; init; } = 100;

    /// <summary>Source addresses 127.0.0.2, 127.0.0.3, ...; 0 picks one per 10,000 connections (each address has ~28,000 ephemeral ports).</summary>
    public int Sources { get; init; }

    /// <summary>
    /// Bytes of text in one message sent into each room after the set-up, before the hold (0: none): the memory is
    /// then that of connections that have carried a message of this size and gone quiet, not of fresh ones.
    /// </summary>
    public int MessageSize { get; init; }

    /// <summary>Seconds to hold every connection idle before the server's memory is read.</summary>
    public double Hold { get; init; } = 5;

    /// <summary>Longest the whole run may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// C idle connections, logged in and joined; the server's resident memory per connection, and one
/// message per room at the end to prove every connection is alive (each member must receive it).
/// </summary>
internal static class IdleBench
{
    /// <summary>Descriptors a process needs besides its connections: the runtime, the listener, the database, pipes.</summary>
    private const int FilesBesideConnections = 512;

    public static async Task<IdleResult> RunAsync(IdleOptions options, BenchSettings settings, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        CancellationToken token = timeout.Token;
        Progress progress = settings.CreateProgress();
        string run = RunId.New();
        // Each connection is one descriptor here and one in the server, which inherits this limit.
        long fileLimit = Native.RaiseFileLimit(options.Conns + 4096L);
        if (fileLimit > 0 && options.Conns + FilesBesideConnections > fileLimit && settings.Server is null)
        {
            // Both processes need one descriptor per connection; failing at connection 19,900 of
            // 100,000 after minutes of setup tells the user less than this.
            throw new InvalidOperationException(
                $"--conns {options.Conns:N0} needs about {options.Conns + FilesBesideConnections:N0} open files in the bench and in the server, " +
                $"but the limit here is {fileLimit:N0} and could not be raised (ulimit -n; raising the hard limit needs privileges): " +
                $"use --conns {fileLimit - FilesBesideConnections:N0} or fewer");
        }

        int sourceCount = options.Sources > 0 ? options.Sources : Math.Max(1, (options.Conns + 9_999) / 10_000);
        IPAddress[] sources = [.. Enumerable.Range(0, sourceCount).Select(i => new IPAddress(new byte[] { 127, 0, 0, (byte)(2 + i) }))];
        // Room for a join's presence burst, and for one whole frame of --message-size (text plus under 1 KiB of frame).
        int buffer = Math.Min(BenchClient.LargeBuffer, Math.Max(4096, Math.Max(options.RoomSize * 48, options.MessageSize) + 1024));
        int warm = Math.Clamp(options.Conns / 10, 1, 100);

        if (options.MessageSize is < 0 or > Protocol.ProtocolConstants.MaxTextBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"--message-size must be 0 to {Protocol.ProtocolConstants.MaxTextBytes:N0}");
        }

        ServerUnderTest server = await settings.OpenServerAsync(token).ConfigureAwait(false);
        await using var serverScope = server.ConfigureAwait(false);
        string Nick(int i) => $"b{run}i{i}";
        string Room(int i) => $"#idle{run}r{i / options.RoomSize}";

        // A first few connections bring in the code and buffers every connection shares; the
        // memory per connection is measured from there.
        Crowd first = await Crowd.ConnectAsync(server, warm, Nick, Room, sources, buffer,
            settings.RequestTimeout, progress, "warm-up connections", token).ConfigureAwait(false);
        await using var firstScope = first.ConfigureAwait(false);
        ProcessSample? serverBefore = server.Sample();
        ProcessSample benchBefore = ProcessSample.Self();
        long start = Stopwatch.GetTimestamp();
        Crowd rest = await Crowd.ConnectAsync(server, options.Conns - warm, i => Nick(warm + i), i => Room(warm + i), sources, buffer,
            settings.RequestTimeout, progress, "idle connections", token).ConfigureAwait(false);
        await using var restScope = rest.ConfigureAwait(false);
        double setupSeconds = Ticks.ToSeconds(Stopwatch.GetTimestamp() - start);
        ProcessSample? serverJoined = server.Sample();
        BenchClient[] all = [.. first.Members, .. rest.Members];
        int rooms = (options.Conns + options.RoomSize - 1) / options.RoomSize;
        var problems = new List<string>();
        long expectedEach = 0;
        if (options.MessageSize > 0)
        {
            expectedEach++;
            await SayInEveryRoomAsync(new string('m', options.MessageSize), expectedEach, $"idle: one message of {options.MessageSize:N0} bytes per room").ConfigureAwait(false);
        }

        await Waiting.UntilAsync(() => false, Waiting.DeadlineIn(TimeSpan.FromSeconds(options.Hold)), progress,
            () => $"idle: holding {options.Conns:N0} connections, server RSS {(server.Sample()?.RssBytes ?? 0) / 1048576.0:N0} MiB", token).ConfigureAwait(false);
        ProcessSample? serverAfter = server.Sample();
        ProcessSample benchAfter = ProcessSample.Self();

        ProblemList.AddClosed(problems, all);
        expectedEach++;
        await SayInEveryRoomAsync("are you there?", expectedEach, "idle: one message per room").ConfigureAwait(false);
        progress.Done();

        DeliveryCount count = DeliveryCount.Of(all, expectedEach);
        int measured = options.Conns - warm;
        return new IdleResult(
            server.Description, options.Conns, options.RoomSize, rooms, sourceCount, fileLimit, setupSeconds, measured / Math.Max(setupSeconds, 1e-9),
            serverBefore?.RssBytes, serverJoined?.RssBytes, serverAfter?.RssBytes,
            serverBefore is { } b && serverAfter is { } a && measured > 0 ? (a.RssBytes - b.RssBytes) / (double)measured : null,
            serverBefore is { } b2 && serverJoined is { } j ? (j.Cpu - b2.Cpu).TotalSeconds : null,
            measured > 0 ? (benchAfter.RssBytes - benchBefore.RssBytes) / (double)measured : 0,
            options.MessageSize, count.Delivered, count.Lost, BenchClient.DescribeReceivePaths(), problems);

        // One member of each room says text; every member must then have received expected messages in all.
        async Task SayInEveryRoomAsync(string text, long expected, string what)
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, rooms), new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = token },
                async (r, _) =>
                {
                    BenchClient speaker = all[r * options.RoomSize];
                    try
                    {
                        await speaker.SayAsync(Room(r * options.RoomSize), text, settings.RequestTimeout).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is IOException or TimeoutException or InvalidOperationException)
                    {
                        lock (problems)
                        {
                            problems.Add($"room {r}: {ex.Message}");
                        }
                    }
                }).ConfigureAwait(false);
            bool allArrived = await Waiting.UntilAsync(() => all.All(m => m.Delivered >= expected), Waiting.DeadlineIn(TimeSpan.FromSeconds(30)), progress,
                () => $"{what}, {all.Count(m => m.Delivered >= expected):N0} of {all.Length:N0} received", token).ConfigureAwait(false);
            if (!allArrived)
            {
                problems.Add($"{what}: not every member received it within 30 s");
            }
        }
    }
}

/// <summary>The figures of one idle run.</summary>
/// <param name="ServerRssPerConnection">Server resident memory added per connection after the warm-up ones, read after the hold.</param>
/// <param name="ServerSetupCpuSeconds">Server CPU spent accepting, greeting and joining the measured connections.</param>
/// <param name="MessageSize">Bytes of the message each room carried before the hold; 0 for none.</param>
/// <param name="Deliveries">The messages per room, received (one per connection and message: the one of
/// <paramref name="MessageSize"/> if any, and the liveness check after the hold).</param>
/// <param name="BenchReceive">Which loop read the bench's connections (see <see cref="CostFigures.BenchReceive"/>).</param>
public sealed record IdleResult(
    string Server, int Conns, int RoomSize, int Rooms, int Sources, long FileLimit, double SetupSeconds, double ConnectionsPerSecond,
    long? ServerRssBaselineBytes, long? ServerRssJoinedBytes, long? ServerRssAfterHoldBytes, double? ServerRssPerConnection,
    double? ServerSetupCpuSeconds, double BenchRssPerConnection, int MessageSize, long Deliveries, long Lost, string BenchReceive, IReadOnlyList<string> Problems)
    : IBenchResult
{
    public string Mode => "idle";

    public bool Passed => Lost == 0 && Problems.Count == 0;

    public void WriteTable(TextWriter output)
    {
        static string MiB(long? bytes) => bytes is long b ? $"{b / 1048576.0:N1} MiB" : "n/a";
        var table = new Table($"parley bench idle: {Conns:N0} connections, {RoomSize} per room");
        table.Note("server: " + Server);
        table.Row("rooms", $"{Rooms:N0}");
        table.Row("source addresses", $"127.0.0.2 .. 127.0.0.{1 + Sources}");
        table.Row("open-file limit (bench, inherited by the server)", FileLimit > 0 ? $"{FileLimit:N0}" : "unknown");
        table.Row("connect, hello and join", $"{SetupSeconds:N2} s ({ConnectionsPerSecond:N0} /s)");
        table.Row("server CPU for that", ServerSetupCpuSeconds is double c ? $"{c:N2} s" : "n/a");
        table.Row("server RSS after warm-up connections", MiB(ServerRssBaselineBytes));
        table.Row("server RSS, all joined", MiB(ServerRssJoinedBytes));
        table.Row("message per room before the hold", MessageSize > 0 ? $"{MessageSize:N0} bytes" : "none");
        table.Row("server RSS after the hold", MiB(ServerRssAfterHoldBytes));
        table.Row("server memory per connection", ServerRssPerConnection is double p ? $"{p / 1024:N1} KiB" : "n/a");
        table.Row("bench memory per connection", $"{BenchRssPerConnection / 1024:N1} KiB");
        table.Row("bench receive path", BenchReceive);
        table.Row("deliveries (one per connection and message)", $"{Deliveries:N0}");
        table.Row("lost deliveries", $"{Lost:N0}");
        table.Write(output);
        ProblemList.Write(output, Problems);
    }
}
