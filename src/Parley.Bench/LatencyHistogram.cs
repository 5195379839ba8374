using System.Numerics;

namespace Parley.Bench;

/// <summary>
/// A log-linear histogram of nanosecond values, HDR-style: exact below 256 ns, then 128 linear
/// buckets per power of two, so any recorded value is reported within 1/128 (0.8 %) of itself.
/// Recording is an index computation and an increment: no allocation, no lock. Every sample is
/// counted (nothing is sampled away), which is what lets the tail percentiles mean something.
/// </summary>
/// <remarks>
/// Not thread-safe: each receive loop records into its own histogram, and they are merged with
/// <see cref="Add"/> after the run.
/// </remarks>
public sealed class LatencyHistogram
{
    // 256 exact values, then 128 buckets for each of the octaves [2^8, 2^9) ... [2^41, 2^42):
    // 2^42 ns is 73 minutes, far beyond any bounded run; larger values land in the last bucket
    // and are still reported exactly by Max.
    private const int LinearBits = 8;
    private const int SubBuckets = 1 << (LinearBits - 1);
    private const int TopExponent = 42;
    private const int BucketCount = (1 << LinearBits) + ((TopExponent - LinearBits) * SubBuckets);

    private readonly long[] _counts = new long[BucketCount];
    private double _sum;

    public long Count { get; private set; }

    public long Max { get; private set; }

    public long Min { get; private set; } = long.MaxValue;

    public double Mean => Count == 0 ? 0 : _sum / Count;

    /// <summary>Counts one value in nanoseconds; a negative one (a clock step) counts as 0.</summary>
    public void Record(long nanoseconds)
    {
        long value = Math.Max(0, nanoseconds);
        _counts[IndexOf(value)]++;
        Count++;
        _sum += value;
        if (value > Max)
        {
            Max = value;
        }

        if (value < Min)
        {
            Min = value;
        }
    }

    /// <summary>Adds every sample of <paramref name="other"/> to this one.</summary>
    public void Add(LatencyHistogram other)
    {
        for (int i = 0; i < BucketCount; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
        _sum += other._sum;
        Max = Math.Max(Max, other.Max);
        Min = Math.Min(Min, other.Min);
    }

    /// <summary>
    /// The value at or below which <paramref name="percentile"/> % of the samples lie: the upper
    /// edge of the bucket holding that rank (so it never understates), capped by the exact maximum.
    /// </summary>
    public long ValueAtPercentile(double percentile)
    {
        if (Count == 0)
        {
            return 0;
        }

        long rank = Math.Max(1, (long)Math.Ceiling(percentile / 100.0 * Count));
        long seen = 0;
        for (int i = 0; i < BucketCount; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Min(HighestInBucket(i), Max);
            }
        }

        return Max;
    }

    internal static int IndexOf(long value)
    {
        if (value < 1L << LinearBits)
        {
            return (int)value;
        }

        int msb = 63 - BitOperations.LeadingZeroCount((ulong)value);
        if (msb >= TopExponent)
        {
            return BucketCount - 1;
        }

        // The top LinearBits bits of the value: 1xxxxxxx, i.e. 128..255 within its octave.
        int shift = msb - (LinearBits - 1);
        int top = (int)(value >> shift);
        return (1 << LinearBits) + ((shift - 1) * SubBuckets) + (top - SubBuckets);
    }

    internal static long HighestInBucket(int index)
    {
        if (index < 1 << LinearBits)
        {
            return index;
        }

        int octave = (index - (1 << LinearBits)) / SubBuckets;
        int top = SubBuckets + ((index - (1 << LinearBits)) % SubBuckets);
        int shift = octave + 1;
        return ((long)(top + 1) << shift) - 1;
    }
}
