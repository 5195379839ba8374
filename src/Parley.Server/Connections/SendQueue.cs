using System.Collections.Concurrent;
using System.Threading.Channels;

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
/// </remarks>
internal sealed class SendQueue
{
    // An empty frame written to the data lane only to wake the writer for a control frame.
    private static readonly byte[] WakeUp = [];

    private readonly Channel<byte[]> _data = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions
    {
        SingleReader = true,
        SingleWriter = false,
        // Producers are fan-out threads: never run the writer's continuation on them.
        AllowSynchronousContinuations = false,
    });

    private readonly ConcurrentQueue<byte[]> _control = new();
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

        if (!_data.Writer.TryWrite(frame))
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
    public void NoteIdle()
    {
        if (Volatile.Read(ref _dataBytes) == 0)
        {
            Volatile.Write(ref _progressAt, _time.GetTimestamp());
        }
    }

    /// <summary>The writer handed a batch to the transport (called once per batch, not per frame).</summary>
    public void NoteProgress() => Volatile.Write(ref _progressAt, _time.GetTimestamp());

    private bool WriterProgressedRecently() => _time.GetElapsedTime(Volatile.Read(ref _progressAt)) < _progressWindow;

    /// <summary>Queues a frame after everything already queued, ignoring the hard limit (the goodbye of a graceful shutdown).</summary>
    public bool TryEnqueueLast(byte[] frame)
    {
        Interlocked.Add(ref _dataBytes, frame.Length);
        return _data.Writer.TryWrite(frame);
    }

    /// <summary>Queues a control frame ahead of queued data. False: the control lane is over its limit.</summary>
    public bool TryEnqueueControl(byte[] frame)
    {
        if (Interlocked.Add(ref _controlBytes, frame.Length) > _controlLimit)
        {
            Interlocked.Add(ref _controlBytes, -frame.Length);
            return false;
        }

        _control.Enqueue(frame);
        _data.Writer.TryWrite(WakeUp);
        return true;
    }

    /// <summary>From now on data frames are refused and those queued are thrown away (eviction): only control frames go out.</summary>
    public void DiscardData()
    {
        _discardData = true;
        _data.Writer.TryWrite(WakeUp);
    }

    /// <summary>True when data is being thrown away (the client was evicted).</summary>
    public bool IsDiscarding => _discardData;

    /// <summary>No more frames will be offered: the writer drains what is queued and stops.</summary>
    public void Complete() => _data.Writer.TryComplete();

    /// <summary>Waits until a frame is queued. False: the queue is complete and the data lane empty.</summary>
    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) => _data.Reader.WaitToReadAsync(cancellationToken);

    public bool TryDequeueControl(out byte[] frame)
    {
        if (_control.TryDequeue(out frame!))
        {
            Interlocked.Add(ref _controlBytes, -frame.Length);
            return true;
        }

        return false;
    }

    public bool TryDequeueData(out byte[] frame)
    {
        while (_data.Reader.TryRead(out frame!))
        {
            if (frame.Length == 0)
            {
                continue;
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

        return false;
    }
}
