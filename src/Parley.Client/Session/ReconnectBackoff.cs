namespace Parley.Client;

/// <summary>
/// Exponential backoff with full jitter: before retry <c>n</c> (from 1) wait a uniformly random time in
/// <c>[0, min(MaxDelay, BaseDelay * 2^(n-1)))</c>. Full jitter spreads a crowd of clients that lost the
/// same server at the same moment over the whole window, so a restarted server isn't met by all of them
/// at once (see "Exponential Backoff And Jitter", AWS Architecture Blog, 2015).
/// </summary>
public sealed class ReconnectBackoff
{
    /// <summary>The ceiling of the first retry's delay. Default 0.5 s.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(0.5);

    /// <summary>The largest ceiling, reached after about seven failures with the defaults. Default 30 s.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The random source, returning values in [0, 1). Tests pass a constant.</summary>
    public Func<double> Jitter { get; init; } = Random.Shared.NextDouble;

    /// <summary>The upper bound of the delay before retry <paramref name="retry"/> (1 for the first).</summary>
    public TimeSpan GetCeiling(int retry)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retry, 1);
        double ms = BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(retry - 1, 62));
        return TimeSpan.FromMilliseconds(Math.Min(MaxDelay.TotalMilliseconds, ms));
    }

    /// <summary>The delay before retry <paramref name="retry"/>: a random point below <see cref="GetCeiling"/>.</summary>
    public TimeSpan GetDelay(int retry) => GetCeiling(retry) * Math.Clamp(Jitter(), 0.0, 1.0);
}
