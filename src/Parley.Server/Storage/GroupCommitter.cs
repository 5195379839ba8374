using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Parley.Server.Connections;

namespace Parley.Server.Storage;

/// <summary>A message waiting for the store, and what to do once it is stored (or not).</summary>
internal abstract class PendingAppend(MessageToStore record)
{
    public MessageToStore Record { get; } = record;

    /// <summary>Stored durably: acknowledge and deliver. Runs on the committer thread, in commit order.</summary>
    public abstract void Stored(StoredMessage message);

    /// <summary>Not stored: tell the sender, deliver nothing.</summary>
    public abstract void Failed(string reason);
}

/// <summary>
/// Persist, then acknowledge, then fan out (issue 5). One dedicated thread takes every message
/// waiting, writes them in one transaction with one fsync, and only then completes them in order.
/// Under load, batches grow by themselves: the more messages arrive during one commit, the more
/// the next commit carries, so the fsync cost is shared.
/// </summary>
/// <remarks>
/// Being the only writer makes this thread the sequencer: the store assigns each conversation's
/// next sequence number in commit order, and completions (acknowledgement, fan-out) run in that
/// same order, so every member sees a room's messages in sequence order with no gap.
/// </remarks>
internal sealed class GroupCommitter : IDisposable
{
    /// <summary>Most messages in one transaction: bounds the latency a huge backlog adds to the first message in it.</summary>
    public const int MaxBatch = 4096;

    private readonly Channel<PendingAppend> _queue = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });

    // Wakes the committer thread directly. Blocking on the channel's WaitToReadAsync instead would
    // wake it through a thread-pool work item (the channel completes its waiter asynchronously), so
    // the first message of every batch would also wait for a pool thread, which under load is busy
    // with the connections' reads: latency added to the acknowledgement for nothing (issue 5).
    private readonly ManualResetEventSlim _ready = new(false);
    private readonly IChatStore _store;
    private readonly ILogger _logger;
    private readonly Thread _thread;
    private readonly Lock _writeGate;
    private readonly long _maxBatchBytes;
    private long _enqueued;
    private long _completed;

    /// <param name="store">Where messages are kept.</param>
    /// <param name="writeGate">Held around every write to the store, so the few writes made elsewhere
    /// (a topic, a read marker) never share the store's write connection with a commit.</param>
    /// <param name="logger">For refused batches.</param>
    /// <param name="maxBatchBytes">Most text bytes in one batch. A batch is fanned out at once, so this
    /// is the largest burst one commit adds to a member's send queue; it must stay well below the hard limit.</param>
    public GroupCommitter(IChatStore store, Lock writeGate, ILogger logger, long maxBatchBytes)
    {
        _maxBatchBytes = maxBatchBytes;
        _store = store;
        _writeGate = writeGate;
        _logger = logger;
        _thread = new Thread(Run) { IsBackground = true, Name = "parley-group-commit" };
        _thread.Start();
    }

    /// <summary>Queues a message for the next commit. Never blocks.</summary>
    public void Enqueue(PendingAppend pending)
    {
        Interlocked.Increment(ref _enqueued);
        if (!_queue.Writer.TryWrite(pending))
        {
            Interlocked.Increment(ref _completed);
            pending.Failed("the server is shutting down");
            return;
        }

        _ready.Set();
    }

    /// <summary>Waits until everything queued before the call has been committed and completed, or the deadline passes.</summary>
    public async Task FlushAsync(TimeProvider time, TimeSpan deadline)
    {
        long target = Interlocked.Read(ref _enqueued);
        long start = time.GetTimestamp();
        while (Interlocked.Read(ref _completed) < target && time.GetElapsedTime(start) < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(5), time).ConfigureAwait(false);
        }
    }

    /// <summary>Commits what is queued, then stops the thread.</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _ready.Set();
        _thread.Join();

        // _ready is not disposed: an Enqueue racing with shutdown may still Set it. It holds no
        // kernel handle unless its WaitHandle is asked for, which nothing here does.
    }

    private void Run()
    {
        var batch = new List<PendingAppend>(256);
        var records = new List<MessageToStore>(256);
        ChannelReader<PendingAppend> reader = _queue.Reader;
        while (!reader.Completion.IsCompleted)
        {
            if (!reader.TryPeek(out _))
            {
                _ready.Wait();
            }

            // Reset before draining: a message queued from here on sets the event again, so the
            // next Wait returns at once and it is never left behind.
            _ready.Reset();
            long bytes = 0;
            while (batch.Count < MaxBatch && bytes < _maxBatchBytes && reader.TryRead(out PendingAppend? pending))
            {
                batch.Add(pending);
                records.Add(pending.Record);
                bytes += pending.Record.Text.Length + 64;
            }

            if (batch.Count == 0)
            {
                continue;
            }

            Commit(batch, records);
            batch.Clear();
            records.Clear();
        }
    }

    private void Commit(List<PendingAppend> batch, List<MessageToStore> records)
    {
        IReadOnlyList<StoredMessage> stored;
        try
        {
            lock (_writeGate)
            {
                stored = _store.AppendBatch(records);
            }
        }
        catch (Exception ex)
        {
            // Caught whole at the thread's boundary: an escaping exception would end the process.
            // A store that can't write is the operator's problem, anything else is a bug; either
            // way the batch is refused, its senders are told, and the committer carries on.
            string reason = ex is StoreUnavailableException ? ex.Message : "internal error";
            if (ex is StoreUnavailableException)
            {
                Log.StoreUnavailable(_logger, batch.Count, ex.Message);
            }
            else
            {
                Log.CommitFailed(_logger, batch.Count, ex);
            }

            using (WriterWakes.Defer())
            {
                foreach (PendingAppend pending in batch)
                {
                    pending.Failed(reason);
                }
            }

            Interlocked.Add(ref _completed, batch.Count);
            return;
        }

        // Every member's frames of the whole batch are queued first, then each member's write loop runs
        // once for all of them, on this thread (and a part per other core): see WriterWakes.
        try
        {
            using (WriterWakes.Defer())
            {
                for (int i = 0; i < batch.Count; i++)
                {
                    try
                    {
                        batch[i].Stored(stored[i]);
                    }
                    catch (Exception ex)
                    {
                        // A bug delivering one message must not stop the committer for everyone.
                        Log.DeliveryFailed(_logger, ex);
                    }
                }
            }
        }
        catch (Exception ex)
        {
            // From the scope's end, where the write loops run: logged, and the committer carries on.
            Log.DeliveryFailed(_logger, ex);
        }

        Interlocked.Add(ref _completed, batch.Count);
    }
}
