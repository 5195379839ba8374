namespace Parley.Server.Connections;

/// <summary>
/// Wakes a paused read loop. The loop publishes a waiter, then re-checks its condition, so a
/// release racing with the pause is never lost; releasing with no waiter does nothing.
/// </summary>
internal sealed class ResumeSignal
{
    private TaskCompletionSource? _waiter;

    /// <summary>Waits until released; returns a completed wait if <paramref name="canResume"/> already holds.</summary>
    /// <remarks>The condition takes its state, so callers pass a static lambda and no connection holds a delegate of its own.</remarks>
    public Task WaitAsync<TState>(Func<TState, bool> canResume, TState state)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _waiter, waiter);
        if (canResume(state))
        {
            Release();
        }

        return waiter.Task;
    }

    public void Release() => Interlocked.Exchange(ref _waiter, null)?.TrySetResult();
}
