using System.Diagnostics;

namespace Parley.Bench.Wire;

/// <summary>Stopwatch ticks (CLOCK_MONOTONIC on Linux, nanoseconds) to units for the reports.</summary>
internal static class Ticks
{
    private static readonly double NanosecondsPerTick = 1e9 / Stopwatch.Frequency;

    public static long ToNanoseconds(long ticks) => Stopwatch.Frequency == 1_000_000_000 ? ticks : (long)(ticks * NanosecondsPerTick);

    public static long FromSeconds(double seconds) => (long)(seconds * Stopwatch.Frequency);

    public static double ToSeconds(long ticks) => (double)ticks / Stopwatch.Frequency;
}
