using System.Diagnostics;
using Parley.Bench.Wire;

namespace Parley.Bench.Modes;

/// <summary>The mode's own wait loop: polls the members' counters, shows progress, gives up at the deadline.</summary>
internal static class Waiting
{
    // Polling costs a pass over the counters, not a message: receipt times come from the receive
    // loops' own timestamps, so the interval does not blur any figure.
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    /// <summary>True once <paramref name="done"/> holds; false if <paramref name="deadline"/> (a Stopwatch timestamp) passes first.</summary>
    public static async Task<bool> UntilAsync(Func<bool> done, long deadline, Progress progress, Func<string> status, CancellationToken cancellationToken)
    {
        while (!done())
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }

            progress.Report(status);
            await Task.Delay(Interval, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    public static long DeadlineIn(TimeSpan span) => Stopwatch.GetTimestamp() + Ticks.FromSeconds(span.TotalSeconds);
}

/// <summary>Deliveries counted over a set of members, each of which should have received <c>expectedEach</c>.</summary>
internal readonly record struct DeliveryCount(long Delivered, long Expected, long Lost, long OutOfOrder, long Malformed)
{
    public static DeliveryCount Of(IReadOnlyCollection<BenchClient> members, long expectedEach)
    {
        long delivered = 0, lost = 0, outOfOrder = 0, malformed = 0;
        foreach (BenchClient m in members)
        {
            long got = m.Delivered;
            delivered += got;
            lost += Math.Max(Math.Max(0, expectedEach - got), m.Missing);
            outOfOrder += m.OutOfOrder;
            malformed += m.Malformed;
        }

        return new DeliveryCount(delivered, expectedEach * members.Count, lost, outOfOrder, malformed);
    }
}
