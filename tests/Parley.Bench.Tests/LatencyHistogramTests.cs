using CsCheck;
using Parley.Bench;

namespace Parley.Bench.Tests;

public class LatencyHistogramTests
{
    [Fact]
    public void Every_sample_is_counted_and_the_extremes_are_exact()
    {
        var h = new LatencyHistogram();
        long[] values = [0, 1, 255, 256, 257, 1_000, 123_456_789, 5_000_000_000];
        foreach (long v in values)
        {
            h.Record(v);
        }

        Assert.Equal(values.Length, h.Count);
        Assert.Equal(0, h.Min);
        Assert.Equal(5_000_000_000, h.Max);
        Assert.Equal(values.Average(v => (double)v), h.Mean, 6);
        Assert.Equal(5_000_000_000, h.ValueAtPercentile(100));
    }

    [Fact]
    public void Values_below_256_ns_are_kept_exactly()
    {
        var h = new LatencyHistogram();
        for (int v = 1; v <= 200; v++)
        {
            h.Record(v);
        }

        Assert.Equal(100, h.ValueAtPercentile(50));
        Assert.Equal(198, h.ValueAtPercentile(99));
    }

    [Fact]
    public void Any_value_is_reported_within_one_128th_above_itself()
    {
        Gen.Long[0, 1L << 41].Sample(v =>
        {
            var h = new LatencyHistogram();
            h.Record(v);
            h.Record(long.MaxValue / 4); // so the reported value is not just capped by the maximum
            long reported = h.ValueAtPercentile(50);
            Assert.InRange(reported, v, v + (v / 128) + 1);
        });
    }

    [Fact]
    public void Buckets_cover_the_range_without_gaps_or_overlaps()
    {
        long previousTop = -1;
        for (int i = 0; i < 4608; i++)
        {
            long top = LatencyHistogram.HighestInBucket(i);
            Assert.True(top > previousTop);
            Assert.Equal(i, LatencyHistogram.IndexOf(previousTop + 1));
            Assert.Equal(i, LatencyHistogram.IndexOf(top));
            previousTop = top;
        }
    }

    [Fact]
    public void Percentiles_of_a_uniform_spread_land_where_expected()
    {
        var h = new LatencyHistogram();
        for (long ms = 1; ms <= 10_000; ms++)
        {
            h.Record(ms * 1_000_000);
        }

        Assert.InRange(h.ValueAtPercentile(50), 5_000_000_000, 5_000_000_000 * 129 / 128);
        Assert.InRange(h.ValueAtPercentile(99), 9_900_000_000, 9_900_000_000 * 129 / 128);
        Assert.InRange(h.ValueAtPercentile(99.9), 9_990_000_000, 10_000_000_000);
    }

    [Fact]
    public void Merged_histograms_equal_one_that_saw_everything()
    {
        var a = new LatencyHistogram();
        var b = new LatencyHistogram();
        var all = new LatencyHistogram();
        var random = new Random(6);
        for (int i = 0; i < 10_000; i++)
        {
            long v = random.NextInt64(0, 100_000_000);
            (i % 2 == 0 ? a : b).Record(v);
            all.Record(v);
        }

        a.Add(b);
        Assert.Equal(all.Count, a.Count);
        Assert.Equal(all.Max, a.Max);
        foreach (double p in (double[])[50, 90, 99, 99.9])
        {
            Assert.Equal(all.ValueAtPercentile(p), a.ValueAtPercentile(p));
        }
    }
}
