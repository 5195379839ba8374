using System.Collections.Concurrent;

namespace Parley.Server.Accounts;

/// <summary>
/// Runs password work (Argon2id hashes and what goes with them) on a few dedicated threads with a bounded
/// backlog. Hashing is deliberately slow (tens of milliseconds and 19 MiB each): on the thread pool a login
/// flood would starve every read loop, and unbounded it would queue work no client is still waiting for.
/// </summary>
/// <remarks>
/// <para>The workers are one fewer than the cores (at least one) unless configured: however many logins
/// arrive, one core stays free for chat, and memory for hashing is bounded by workers times the memory cost.</para>
/// <para>A full backlog refuses at once (<see cref="TryRun{T}"/> returns null); the session answers
/// RATE_LIMITED. The caller awaits the returned task, so no thread waits while a hash runs.</para>
/// </remarks>
internal sealed class HashQueue : IDisposable
{
    private readonly BlockingCollection<Action> _work;
    private readonly Thread[] _threads;

    public HashQueue(int workers, int backlog)
    {
        _work = new BlockingCollection<Action>(new ConcurrentQueue<Action>(), backlog);
        _threads = new Thread[workers];
        for (int i = 0; i < workers; i++)
        {
            _threads[i] = new Thread(Run) { IsBackground = true, Name = $"parley-hash-{i}" };
            _threads[i].Start();
        }
    }

    public int Workers => _threads.Length;

    /// <summary>Jobs waiting for a worker (not counting those running).</summary>
    public int Waiting => _work.Count;

    /// <summary>Queues <paramref name="job"/>; null when the backlog is full. The task faults if the job throws.</summary>
    public Task<T>? TryRun<T>(Func<T> job)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Work()
        {
            try
            {
                done.TrySetResult(job());
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        }

        try
        {
            return _work.TryAdd(Work) ? done.Task : null;
        }
        catch (InvalidOperationException)
        {
            // Disposed: the server is stopping.
            return null;
        }
    }

    public void Dispose()
    {
        _work.CompleteAdding();
        foreach (Thread thread in _threads)
        {
            thread.Join(TimeSpan.FromSeconds(5));
        }

        _work.Dispose();
    }

    private void Run()
    {
        try
        {
            foreach (Action work in _work.GetConsumingEnumerable())
            {
                work();
            }
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
