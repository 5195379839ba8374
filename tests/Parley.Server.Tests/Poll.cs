namespace Parley.Server.Tests;

/// <summary>Waits for a condition with a deadline and a reason, instead of a fixed sleep.</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (cts.IsCancellationRequested)
            {
                throw new TimeoutException($"timed out waiting until {what}");
            }

            await Task.Yield();
            await Task.Delay(TimeSpan.FromMilliseconds(5), CancellationToken.None); // polling interval under the deadline above
        }
    }
}
