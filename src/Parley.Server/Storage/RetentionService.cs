using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Parley.Server.Storage;

/// <summary>
/// Applies <see cref="RetentionOptions"/> on a period: for each room the store knows, deletes what is
/// older than its age limit and beyond its count limit. Does nothing at all when no limit is set.
/// </summary>
/// <remarks>
/// Runs on a <see cref="TimeProvider"/> timer, so tests drive it with a fake clock. A failure is logged
/// and the room retried next pass; nothing escapes the loop (a faulted background service would stop the host).
/// </remarks>
internal sealed partial class RetentionService : BackgroundService
{
    /// <summary>Not at start itself: startup (and a restart after a crash) has enough to do.</summary>
    internal static readonly TimeSpan FirstRunDelay = TimeSpan.FromMinutes(1);

    // What the log names when the room list itself could not be read.
    private const string AllRooms = "(the room list)";

    private readonly IChatStore _store;
    private readonly Lock _writeGate;
    private readonly RetentionOptions _options;
    private readonly Dictionary<string, RetentionLimits> _rooms;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<bool> _ticks = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private ITimer? _timer;
    private long _passes;

    /// <summary>
    /// The service over <paramref name="store"/>; <paramref name="writeGate"/> is held around each deletion
    /// (<see cref="ServerContext.StoreWriteGate"/>: every write to the store takes it).
    /// </summary>
    public RetentionService(IChatStore store, Lock writeGate, RetentionOptions options, TimeProvider time, ILogger logger)
    {
        _store = store;
        _writeGate = writeGate;
        _options = options;
        _rooms = options.RoomsByKey();
        _time = time;
        _logger = logger;
    }

    /// <summary>Whether any room can have a limit; when none can, the service never wakes up.</summary>
    public bool Enabled => _options.Default.IsSet || _rooms.Values.Any(l => l.IsSet);

    /// <summary>Passes finished so far (for tests and diagnostics).</summary>
    public long CompletedPasses => Interlocked.Read(ref _passes);

    /// <summary>One pass over every room the store knows; returns how many messages it removed.</summary>
    public int RunPass(CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        int removed = 0;
        IReadOnlyList<RoomRecord> rooms = [];
        try
        {
            rooms = _store.LoadRooms();
            foreach (RoomRecord room in rooms)
            {
                cancellationToken.ThrowIfCancellationRequested();
                removed += ApplyToRoom(room.Key, cancellationToken);
            }
        }
        catch (StoreUnavailableException ex)
        {
            Log.RetentionStoreUnavailable(_logger, AllRooms, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.RetentionFailed(_logger, AllRooms, ex);
        }
        finally
        {
            Interlocked.Increment(ref _passes);
        }

        Log.RetentionPassDone(_logger, removed, rooms.Count, (long)Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        return removed;
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // The timer exists before StartAsync returns, so a tick can't be missed (and a test's fake clock can
        // move on at once): .NET 10 runs ExecuteAsync on the thread pool, maybe after the clock has moved.
        // Ticks that come while a pass runs collapse into one.
        if (Enabled)
        {
            _timer = _time.CreateTimer(static state => ((Channel<bool>)state!).Writer.TryWrite(true), _ticks, FirstRunDelay, _options.Period);
        }

        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        _timer?.Dispose();
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        try
        {
            while (await _ticks.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                _ticks.Reader.TryRead(out _);
                RunPass(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping; a deletion step in progress has finished, the rest waits for the next start.
        }
    }

    private int ApplyToRoom(string room, CancellationToken cancellationToken)
    {
        RetentionLimits limits = _rooms.GetValueOrDefault(room) ?? _options.Default;
        if (!limits.IsSet)
        {
            return 0;
        }

        // Counted as each step commits, so what a failure or a stop interrupts is still reported.
        int removed = 0;
        try
        {
            if (limits.MaxAge is { } maxAge)
            {
                long cutoffMs = _time.GetUtcNow().ToUnixTimeMilliseconds() - (long)maxAge.TotalMilliseconds;
                DeleteOlderThan(room, cutoffMs, ref removed, cancellationToken);
            }

            if (limits.MaxCount is { } maxCount)
            {
                DeleteBeyondCount(room, maxCount, ref removed, cancellationToken);
            }
        }
        catch (StoreUnavailableException ex)
        {
            Log.RetentionStoreUnavailable(_logger, room, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.RetentionFailed(_logger, room, ex);
        }
        finally
        {
            if (removed > 0)
            {
                Log.RetentionRemoved(_logger, room, removed);
            }
        }

        return removed;
    }
}
