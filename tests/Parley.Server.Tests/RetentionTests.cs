using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Parley.Server.Storage;

namespace Parley.Server.Tests;

/// <summary><see cref="RetentionService"/> over the in-memory store, on a fake clock.</summary>
public sealed class RetentionTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [Fact]
    public async Task Nothing_is_deleted_when_no_limit_is_set()
    {
        await using var retention = new Harness(new RetentionOptions());
        retention.AddHourly("#a", 48);

        await retention.StartAsync();
        retention.Time.Advance(TimeSpan.FromDays(3));

        Assert.False(retention.Service.Enabled);
        await Poll.UntilAsync(() => retention.Service.ExecuteTask!.IsCompletedSuccessfully, "the service has ended: with no limits it has no loop");
        Assert.Equal(0, retention.Service.RunPass(CancellationToken.None));
        Assert.Equal(48, retention.Store.Texts("#a").Count);
    }

    [Fact]
    public async Task The_first_pass_runs_shortly_after_start_and_applies_each_rooms_limits()
    {
        var options = new RetentionOptions
        {
            Default = new RetentionLimits { MaxCount = 3 },
            Rooms =
            {
                // Listed without '#' and in another case: still #b.
                ["B"] = new RetentionLimits { MaxAge = Hour },
                // Listed with no limits: exempt from the default.
                ["#c"] = new RetentionLimits(),
            },
        };
        await using var retention = new Harness(options);
        foreach (string room in new[] { "#a", "#b", "#c" })
        {
            retention.AddHourly(room, 10);
        }

        await retention.StartAsync();
        await retention.PassAsync(RetentionService.FirstRunDelay, 1);

        Assert.Equal(["m8", "m9", "m10"], retention.Store.Texts("#a"));
        // Only the age limit: m10 is a minute old, m9 an hour and a minute.
        Assert.Equal(["m10"], retention.Store.Texts("#b"));
        Assert.Equal(10, retention.Store.Texts("#c").Count);
        Assert.Equal(10UL, retention.Store.LastSeq("#a"));
        Assert.Empty(retention.Problems);
    }

    [Fact]
    public async Task Limits_are_applied_again_every_period()
    {
        await using var retention = new Harness(new RetentionOptions { Default = { MaxAge = TimeSpan.FromMinutes(90) }, Period = Hour });
        retention.Store.Add("#a", ("old", retention.Time.GetUtcNow() - TimeSpan.FromHours(2)), ("new", retention.Time.GetUtcNow()));

        await retention.StartAsync();
        await retention.PassAsync(RetentionService.FirstRunDelay, 1);
        Assert.Equal(["new"], retention.Store.Texts("#a"));

        await retention.PassAsync(Hour, 2);
        Assert.Equal(["new"], retention.Store.Texts("#a"));

        retention.Store.Add("#a", ("newer", retention.Time.GetUtcNow()));
        await retention.PassAsync(Hour, 3);
        Assert.Equal(["newer"], retention.Store.Texts("#a"));
    }

    [Fact]
    public async Task A_large_deletion_by_count_is_made_in_batches_each_holding_the_write_gate()
    {
        await using var retention = new Harness(new RetentionOptions { Default = { MaxCount = 5 }, DeleteBatchSize = 10 });
        retention.AddHourly("#a", 95);

        Assert.Equal(90, retention.Service.RunPass(CancellationToken.None));

        Assert.Equal(["m91", "m92", "m93", "m94", "m95"], retention.Store.Texts("#a"));
        AssertBatched(retention.Store, total: 90, batch: 10);
    }

    [Fact]
    public async Task A_large_deletion_by_age_is_made_in_batches_each_holding_the_write_gate()
    {
        await using var retention = new Harness(new RetentionOptions { Default = { MaxAge = TimeSpan.FromHours(4.5) }, DeleteBatchSize = 10 });
        retention.AddHourly("#a", 95);

        Assert.Equal(90, retention.Service.RunPass(CancellationToken.None));

        Assert.Equal(["m91", "m92", "m93", "m94", "m95"], retention.Store.Texts("#a"));
        AssertBatched(retention.Store, total: 90, batch: 10);
    }

    [Fact]
    public async Task Messages_that_share_one_millisecond_are_still_removed_by_age()
    {
        await using var retention = new Harness(new RetentionOptions { Default = { MaxAge = Hour }, DeleteBatchSize = 10 });
        DateTimeOffset then = retention.Time.GetUtcNow() - TimeSpan.FromHours(2);
        retention.Store.Add("#a", [.. Enumerable.Range(1, 35).Select(i => ($"m{i}", then))]);

        Assert.Equal(35, retention.Service.RunPass(CancellationToken.None));
        Assert.Empty(retention.Store.Texts("#a"));
    }

    [Fact]
    public async Task A_store_failure_is_logged_and_the_room_retried_on_the_next_pass()
    {
        await using var retention = new Harness(new RetentionOptions { Default = { MaxCount = 1 } });
        retention.AddHourly("#a", 3);
        retention.AddHourly("#b", 3);
        retention.Store.FailNext(1, new StoreUnavailableException("database or disk is full"));

        await retention.StartAsync();
        await retention.PassAsync(RetentionService.FirstRunDelay, 1);

        // #a failed, #b went ahead.
        Assert.Equal(3, retention.Store.Texts("#a").Count);
        Assert.Equal(["m3"], retention.Store.Texts("#b"));
        Assert.Equal([(LogLevel.Warning, "#a")], retention.Problems);

        retention.Store.FailNext(1, new InvalidOperationException("a bug"));
        retention.AddHourly("#b", 1);
        await retention.PassAsync(Hour, 2);
        Assert.Equal([(LogLevel.Warning, "#a"), (LogLevel.Error, "#a")], retention.Problems);
        Assert.Equal(["m1"], retention.Store.Texts("#b"));

        await retention.PassAsync(Hour, 3);
        Assert.Equal(["m3"], retention.Store.Texts("#a"));
        Assert.False(retention.Service.ExecuteTask!.IsCompleted, "the loop is still running");
    }

    [Fact]
    public async Task Stopping_ends_the_loop_cleanly()
    {
        var retention = new Harness(new RetentionOptions { Default = { MaxCount = 1 } });
        await retention.StartAsync();
        await retention.PassAsync(RetentionService.FirstRunDelay, 1);

        await retention.DisposeAsync();

        Assert.True(retention.Service.ExecuteTask!.IsCompletedSuccessfully);
    }

    private static void AssertBatched(RecordingStore store, int total, int batch)
    {
        var calls = store.RetentionCalls.ToList();
        Assert.All(calls, c => Assert.True(c.GateHeld, "ApplyRetention ran without the write gate"));
        Assert.All(calls, c => Assert.InRange(c.Removed, 0, batch));
        Assert.Equal(total, calls.Sum(c => c.Removed));
        Assert.True(calls.Count >= total / batch, $"{calls.Count} calls for {total} messages in batches of {batch}");
    }

    private sealed class Harness : IAsyncDisposable
    {
        private readonly ProblemLogger _logger = new();

        public Harness(RetentionOptions options)
        {
            Lock gate = new();
            Store = new RecordingStore(gate);
            Service = new RetentionService(Store, gate, options, Time, _logger);
        }

        public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

        public RecordingStore Store { get; }

        public RetentionService Service { get; }

        public List<(LogLevel Level, string Room)> Problems => [.. _logger.Problems];

        /// <summary><paramref name="count"/> messages m1..mN, an hour apart, the last one now.</summary>
        public void AddHourly(string room, int count) =>
            Store.Add(room, [.. Enumerable.Range(1, count).Select(i => ($"m{i}", Time.GetUtcNow() - ((count - i) * Hour)))]);

        public Task StartAsync() => Service.StartAsync(CancellationToken.None);

        /// <summary>Moves the clock on and waits until pass number <paramref name="passes"/> has finished.</summary>
        public async Task PassAsync(TimeSpan advance, long passes)
        {
            Time.Advance(advance);
            await Poll.UntilAsync(() => Service.CompletedPasses >= passes, $"retention pass {passes} has run");
            Assert.Equal(passes, Service.CompletedPasses);
        }

        public async ValueTask DisposeAsync()
        {
            await Service.StopAsync(CancellationToken.None);
            Service.Dispose();
        }
    }

    private sealed class ProblemLogger : ILogger
    {
        public ConcurrentQueue<(LogLevel, string)> Problems { get; } = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Warning)
            {
                string room = state is IReadOnlyList<KeyValuePair<string, object?>> fields
                    ? fields.FirstOrDefault(f => f.Key == "Room").Value as string ?? "?"
                    : "?";
                Problems.Enqueue((logLevel, room));
            }
        }
    }
}
