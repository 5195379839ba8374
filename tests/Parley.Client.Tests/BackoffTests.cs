namespace Parley.Client.Tests;

public class BackoffTests
{
    [Fact]
    public void Ceilings_double_from_the_base_up_to_the_cap()
    {
        var backoff = new ReconnectBackoff();

        double[] ceilings = [.. Enumerable.Range(1, 9).Select(n => backoff.GetCeiling(n).TotalSeconds)];

        Assert.Equal([0.5, 1, 2, 4, 8, 16, 30, 30, 30], ceilings);
    }

    [Fact]
    public void The_delay_is_the_jitter_fraction_of_the_ceiling()
    {
        var backoff = new ReconnectBackoff { Jitter = () => 0.25, BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(60) };

        Assert.Equal(TimeSpan.FromSeconds(2), backoff.GetDelay(4));
    }

    [Fact]
    public void Huge_retry_counts_stay_at_the_cap()
    {
        var backoff = new ReconnectBackoff { Jitter = () => 1.0 };

        Assert.Equal(TimeSpan.FromSeconds(30), backoff.GetDelay(100_000));
    }

    [Fact]
    public void Random_delays_spread_over_the_whole_window()
    {
        var backoff = new ReconnectBackoff { Jitter = new Random(7).NextDouble };

        TimeSpan[] delays = [.. Enumerable.Range(0, 1000).Select(_ => backoff.GetDelay(3))];

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, TimeSpan.FromSeconds(2)));
        Assert.Contains(delays, d => d < TimeSpan.FromSeconds(0.2));
        Assert.Contains(delays, d => d > TimeSpan.FromSeconds(1.8));
    }

    [Fact]
    public void Retry_numbers_start_at_one()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReconnectBackoff().GetDelay(0));
    }
}
