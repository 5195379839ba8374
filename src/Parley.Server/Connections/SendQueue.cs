using System.Threading.Tasks.Sources;

namespace Parley.Server.Connections;

/// <summary>What happened to a frame offered to a <see cref="SendQueue"/>.</summary>
internal enum EnqueueResult
{
    Queued,
    /// <summary>Queued, and the queue just crossed its soft limit: the client is now lagging.</summary>
    QueuedNowLagging,
    /// <summary>Refused: the queue is over its hard limit. The caller evicts the client.</summary>
    Overflow,
    /// <summary>Refused: the connection is closing.</summary>
    Closed,
}

/// <summary>
/// One connection's outbound frames: a data lane (replies and events, in the order produced) and a
/// control lane (pings, pongs, connection errors, goodbyes) that jumps ahead of queued data.
/// </summary>
/// <remarks>
/// <para>
/// The slow-consumer policy, <b>evict on overflow</b>: producers never wait for a peer. A frame that
/// would take the data lane above <see cref="HardLimit"/> bytes is refused, and the caller evicts the
/// client, when the client's writer has sent nothing for the progress window: the client (or its
/// network) is not reading. A writer that is still sending is only behind because the server is
/// busy, and evicting healthy clients would turn overload into a reconnect storm, so it may go on
/// to <see cref="CeilingFactor"/> times the hard limit, the absolute bound on a queue's memory.
/// The evicted client resumes from history after reconnecting: eviction costs a reconnect, never a
/// message. Above <see cref="SoftLimit"/> the client is reported as lagging, nothing else.
/// The alternatives were rejected: blocking the producer lets one stalled reader stall the room;
/// dropping data frames silently creates gaps the client can't see.
/// </para>
/// <para>
/// Control frames are never dropped while the connection lives; a client that makes the server
/// queue more of them than <c>controlLimit</c> (pinging without reading) is evicted too.
/// Frames are shared byte arrays: fan-out enqueues one reference per member, no copy.
/// </para>
/// <para>
/// Both lanes are <see cref="FrameRing"/>s under one lock, with one reusable waiter for the single
/// reader, rather than a <c>Channel</c> and a <c>ConcurrentQueue</c>: those cost about 2.2 KB per
/// connection before the first frame (segments of 32 slots each, the channel's reader, writer,
/// completion and waiter objects), a quarter of an idle connection's memory (issue 6). The lock is
/// held for a few instructions, and fan-out takes it once per member as it took the channel's.
/// </para>
/// </remarks>
internal sealed class SendQueue : IValueTaskSource<bool>
{
    private readonly Lock _gate = new();
    private FrameRing _data;
    private FrameRing _control;
    // The write loop's wait: one at a time (a single reader). Whoever clears _waiting under _gate completes
    // it, so a completion can never land on the next wait. A producer's wake-up runs the writer on the
    // thread pool, never on the producer (a fan-out thread inside a room's lock must not write to this
    // member's socket); a wake-up deferred to the end of a WriterWakes scope runs it in place.
    private ManualResetValueTaskSourceCore<bool> _waiter = new() { RunContinuationsAsynchronously = true };
    private bool _waiting;
    // The waiting writer is to be woken when the producer's WriterWakes scope ends, not now.
    private bool _wakeDeferred;
    private bool _completed;

    private readonly long _controlLimit;
    private long _dataBytes;
    private long _controlBytes;
    private int _lagging;
    private volatile bool _discardData;

    /// <summary>How far past the hard limit a queue whose writer is still making progress may go.</summary>
    public const int CeilingFactor = 4;

    private readonly TimeProvider _time;
    private readonly TimeSpan _progressWindow;
    private long _progressAt;

    public SendQueue(long softLimit, long hardLimit, long controlLimit, TimeProvider time, TimeSpan progressWindow)
    {
        SoftLimit = softLimit;
        HardLimit = hardLimit;
        _controlLimit = controlLimit;
        _time = time;
        _progressWindow = progressWindow;
        _progressAt = time.GetTimestamp();
    }

    public long SoftLimit { get; }

    public long HardLimit { get; }

    /// <summary>Bytes queued on the data lane and not yet handed to the transport.</summary>
    public long QueuedBytes => Volatile.Read(ref _dataBytes);

    /// <summary>Slots the data lane holds now, queued or not: for tests of what an idle connection keeps.</summary>
    internal int DataCapacity
    {
        get
        {
            lock (_gate)
            {
                return _data.Capacity;
            }
        }
    }

    /// <summary>Offers a data frame. Never blocks.</summary>
    public EnqueueResult TryEnqueue(byte[] frame)
    {
        if (_discardData)
        {
            return EnqueueResult.Closed;
        }

        long queued = Interlocked.Add(ref _dataBytes, frame.Length);
        if (queued > HardLimit && (queued > HardLimit * CeilingFactor || !WriterProgressedRecently()))
        {
            Interlocked.Add(ref _dataBytes, -frame.Length);
            return EnqueueResult.Overflow;
        }

        if (!TryAddData(frame))
        {
            Interlocked.Add(ref _dataBytes, -frame.Length);
            return EnqueueResult.Closed;
        }

        if (queued > SoftLimit && Volatile.Read(ref _lagging) == 0 && Interlocked.Exchange(ref _lagging, 1) == 0)
        {
            return EnqueueResult.QueuedNowLagging;
        }

        return EnqueueResult.Queued;
    }

    /// <summary>
    /// Records that the writer is keeping up: called by the heartbeat for an empty queue, so a queue
    /// that was idle for a while isn't taken for a stalled one when a burst arrives.
    /// </summary>
    /// <remarks>
    /// It also gives back the empty rings' slots: a ring kept at up to 64 slots between bursts (so a busy
    /// member doesn't allocate per batch) is released once the connection has been quiet for a heartbeat.
    /// Idle connections' memory is issue 6's target: the rings a join's presence burst left behind were
    /// about 340 bytes per connection.
    /// </remarks>
    public void NoteIdle()
    {
        if (Volatile.Read(ref _dataBytes) == 0)
        {
            Volatile.Write(ref _progressAt, _time.GetTimestamp());
            lock (_gate)
            {
                _data.ReleaseIfEmpty();
                _control.ReleaseIfEmpty();
            }
        }
    }

    /// <summary>The writer handed a batch to the transport (called once per batch, not per frame).</summary>
    public void NoteProgress() => Volatile.Write(ref _progressAt, _time.GetTimestamp());

    private bool WriterProgressedRecently() => _time.GetElapsedTime(Volatile.Read(ref _progressAt)) < _progressWindow;

    /// <summary>Queues a frame after everything already queued, ignoring the hard limit (the goodbye of a graceful shutdown).</summary>
    public bool TryEnqueueLast(byte[] frame)
    {
        Interlocked.Add(ref _dataBytes, frame.Length);
        if (!TryAddData(frame))
        {
            Interlocked.Add(ref _dataBytes, -frame.Length);
            return false;
        }

        return true;
    }

    /// <summary>Queues a control frame ahead of queued data. False: the control lane is over its limit.</summary>
    public bool TryEnqueueControl(byte[] frame)
    {
        if (Interlocked.Add(ref _controlBytes, frame.Length) > _controlLimit)
        {
            Interlocked.Add(ref _controlBytes, -frame.Length);
            return false;
        }

        lock (_gate)
        {
            // Taken even after Complete: the writer's last batch sends the final error or goodbye.
            _control.Enqueue(frame);
            WakeReaderLocked();
        }

        return true;
    }

    /// <summary>From now on data frames are refused and those queued are thrown away (eviction): only control frames go out.</summary>
    public void DiscardData()
    {
        _discardData = true;
        long dropped = 0;
        lock (_gate)
        {
            while (_data.TryDequeue(out byte[] frame))
            {
                dropped += frame.Length;
            }
        }

        Interlocked.Add(ref _dataBytes, -dropped);
    }

    /// <summary>True when data is being thrown away (the client was evicted).</summary>
    public bool IsDiscarding => _discardData;

    /// <summary>No more frames will be offered: the writer drains what is queued and stops.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
            // A waiting writer has nothing queued (it would not be waiting): it is told the queue is done.
            WakeReaderLocked(result: false);
        }
    }

    /// <summary>Waits until a frame is queued. False: the queue is complete and both lanes empty.</summary>
    public ValueTask<bool> WaitToReadAsync()
    {
        lock (_gate)
        {
            if (_data.Count > 0 || _control.Count > 0)
            {
                return new ValueTask<bool>(true);
            }

            if (_completed)
            {
                return new ValueTask<bool>(false);
            }

            _waiter.Reset();
            // A producer's own wake-up runs the writer on the thread pool; only WakeDeferred runs it in place.
            _waiter.RunContinuationsAsynchronously = true;
            _waiting = true;
            return new ValueTask<bool>(this, _waiter.Version);
        }
    }

    public bool TryDequeueControl(out byte[] frame)
    {
        bool found;
        lock (_gate)
        {
            found = _control.TryDequeue(out frame);
        }

        if (found)
        {
            Interlocked.Add(ref _controlBytes, -frame.Length);
        }

        return found;
    }

    /// <summary>
    /// Takes up to <c>into.Length</c> data frames in order, under one lock for the lot (the write loop's
    /// batch; a lock per frame cost as much as the frame's write at fan-out rates). 0: none, or only
    /// frames being discarded.
    /// </summary>
    public int DequeueData(byte[][] into)
    {
        int count = 0;
        lock (_gate)
        {
            while (count < into.Length && _data.TryDequeue(out into[count]))
            {
                count++;
            }
        }

        if (count == 0)
        {
            return 0;
        }

        long bytes = 0;
        for (int i = 0; i < count; i++)
        {
            bytes += into[i].Length;
        }

        long left = Interlocked.Add(ref _dataBytes, -bytes);
        if (_discardData)
        {
            Array.Clear(into, 0, count);
            return 0;
        }

        if (left < SoftLimit / 2 && Volatile.Read(ref _lagging) != 0)
        {
            Volatile.Write(ref _lagging, 0);
        }

        return count;
    }

    public bool TryDequeueData(out byte[] frame)
    {
        while (true)
        {
            lock (_gate)
            {
                if (!_data.TryDequeue(out frame))
                {
                    return false;
                }
            }

            long left = Interlocked.Add(ref _dataBytes, -frame.Length);
            if (_discardData)
            {
                continue;
            }

            // Hysteresis: lagging ends when the backlog is down to half the soft limit.
            if (left < SoftLimit / 2 && Volatile.Read(ref _lagging) != 0)
            {
                Volatile.Write(ref _lagging, 0);
            }

            return true;
        }
    }

    private bool TryAddData(byte[] frame)
    {
        lock (_gate)
        {
            if (_completed)
            {
                return false;
            }

            _data.Enqueue(frame);
            if (_waiting && (_wakeDeferred || (_wakeDeferred = WriterWakes.TryDefer(this))))
            {
                WriterWakes.NoteFrame();
                return true;
            }

            WakeReaderLocked();
            return true;
        }
    }

    /// <summary>
    /// Runs the waiting writer on this thread (a <see cref="WriterWakes"/> scope has ended): it writes what
    /// is queued and returns here when it waits again or its flush must wait for the peer. Nothing
    /// happens if another wake-up (a control frame, the queue's completion) got to the writer first.
    /// </summary>
    internal void WakeDeferred()
    {
        lock (_gate)
        {
            _wakeDeferred = false;
            if (!_waiting)
            {
                return;
            }

            // Whoever clears _waiting owns this completion: nothing else can complete or reset the waiter
            // until the writer has resumed, so it is completed after the lock is let go.
            _waiting = false;
            _waiter.RunContinuationsAsynchronously = false;
        }

        _waiter.SetResult(true);
    }

    private void WakeReaderLocked(bool result = true)
    {
        if (_waiting)
        {
            _waiting = false;
            // Queues the write loop's continuation to the thread pool (RunContinuationsAsynchronously).
            _waiter.SetResult(result);
        }
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _waiter.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _waiter.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _waiter.OnCompleted(continuation, state, token, flags);
}
