namespace Parley.Server.Connections;

/// <summary>
/// Wakes a paused read loop. The loop publishes a waiter, then re-checks its condition, so a
/// release racing with the pause is never lost; releasing with no waiter does nothing.
/// </summary>
internal sealed class ResumeSignal
{
    private TaskCompletionSource? _waiter;

    public Task WaitAsync(Func<bool> canResume)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _waiter, waiter);
        if (canResume())
        {
            Release();
        }

        return waiter.Task;
    }

    public void Release() => Interlocked.Exchange(ref _waiter, null)?.TrySetResult();
}
