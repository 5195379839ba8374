using Microsoft.Extensions.Time.Testing;
using Parley.Server.Hosting;
using Parley.TestUtilities;

namespace Parley.IntegrationTests;

/// <summary>
/// The server starts its <see cref="NativeMemoryTrimmer"/> with its options, on its own clock (a fake one here); and the
/// real executable runs with the garbage collector's youngest generation capped.
/// </summary>
public sealed class NativeMemoryTrimEndToEndTests
{
    [Fact]
    public async Task The_parley_executable_caps_the_youngest_generations_budget_at_4_MiB()
    {
        await using ServerProcess server = await ServerProcess.StartAsync(0, "--log-level", "Debug");

        string line = await server.Process.WaitForLineAsync(l => l.Contains("garbage collector, the youngest generation's budget", StringComparison.Ordinal),
            reason: "the server's Debug line on its garbage collector");

        // parley.runtimeconfig.json's System.GC.Gen0MaxBudget, as the running runtime took it (docs/OPERATIONS.md).
        Assert.Contains("at most 4194304 bytes", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_server_checks_on_its_interval_and_trims_once_the_threshold_is_freed()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
        await using InProcessServer server = await StartAsync("00:00:30", time);
        NativeMemoryTrimmer trimmer = server.Server.Trimmer!;
        if (!NativeMemoryTrimmer.Available)
        {
            Assert.False(OperatingSystem.IsLinux(), "glibc's malloc_trim or mallinfo2 was not found");
            return;
        }

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, trimmer.Trims);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(1, trimmer.Trims);
    }

    [Fact]
    public async Task An_interval_of_zero_turns_it_off()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
        await using InProcessServer server = await StartAsync("00:00:00", time);

        time.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(0, server.Server.Trimmer!.Trims);
    }

    /// <summary>A server trimming on <paramref name="interval"/> with a threshold of 0: whatever is free counts, so the first check trims.</summary>
    private static Task<InProcessServer> StartAsync(string interval, FakeTimeProvider time) =>
        InProcessServer.StartAsync(new()
        {
            ["NativeMemoryTrimInterval"] = interval,
            ["NativeMemoryTrimThresholdBytes"] = "0",
        }, time);
}
