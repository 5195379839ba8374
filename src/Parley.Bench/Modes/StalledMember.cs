using Parley.Bench.Wire;

namespace Parley.Bench.Modes;

/// <summary>What became of the member that stopped reading: what it had received, and whether the server evicted it.</summary>
/// <param name="ReceivedWhileStalled">Deliveries it had read when it resumed (it stops as sending starts, so about 0).</param>
/// <param name="ReceivedAfterResuming">Deliveries once it read again for up to 10 s.</param>
/// <param name="Evicted">The server sent it SLOW_CONSUMER.</param>
/// <param name="Ended">Why its connection ended, if it did.</param>
public sealed record StalledMember(long Expected, long ReceivedWhileStalled, long ReceivedAfterResuming, bool Evicted, string? Ended)
{
    internal static async Task<StalledMember> ObserveAsync(BenchClient member, long expected)
    {
        long before = member.Delivered;
        member.ResumeReading();
        await Waiting.UntilAsync(() => member.Delivered >= expected || member.IsClosed, Waiting.DeadlineIn(TimeSpan.FromSeconds(10)),
            Progress.Quiet, () => string.Empty, CancellationToken.None).ConfigureAwait(false);
        return new StalledMember(expected, before, member.Delivered, member.Evicted, member.IsClosed ? member.ClosedBecause : null);
    }
}
