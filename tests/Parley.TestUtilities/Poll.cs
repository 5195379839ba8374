using System.Diagnostics;

namespace Parley.TestUtilities;

/// <summary>Waits for a condition with a deadline and a reason, instead of sleeping a fixed time.</summary>
public static class Poll
{
    /// <summary>Generous, because test machines are shared and builds run beside the tests.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan MaxInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Returns as soon as <paramref name="condition"/> holds; throws <see cref="TimeoutException"/> naming <paramref name="reason"/> at the deadline.</summary>
    public static Task UntilAsync(Func<bool> condition, string reason, TimeSpan? timeout = null) =>
        UntilAsync(() => Task.FromResult(condition()), reason, timeout);

    /// <inheritdoc cref="UntilAsync(Func{bool}, string, TimeSpan?)"/>
    public static async Task UntilAsync(Func<Task<bool>> condition, string reason, TimeSpan? timeout = null)
    {
        TimeSpan limit = timeout ?? DefaultTimeout;
        long start = Stopwatch.GetTimestamp();
        var interval = TimeSpan.FromMilliseconds(2);
        while (!await condition())
        {
            if (Stopwatch.GetElapsedTime(start) > limit)
            {
                throw new TimeoutException($"Timed out after {limit.TotalSeconds:0.#} s waiting until {reason}.");
            }

            await Task.Delay(interval);
            interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, MaxInterval.Ticks));
        }
    }
}
