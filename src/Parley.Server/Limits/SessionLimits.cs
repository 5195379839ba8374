using System.Threading.RateLimiting;
using Parley.Server.Chat;

namespace Parley.Server.Limits;

/// <summary>
/// One connection's allowance: its bucket for messages (Say, Whisper), its bucket for other requests,
/// and the count of refusals that decides when a client that ignores them is disconnected. Used only
/// on the connection's read loop, except <see cref="Replenish"/>, which the heartbeat calls.
/// </summary>
internal sealed class SessionLimits
{
    private readonly FloodControl _control;
    private readonly TokenBucketRateLimiter? _requests;
    private readonly long _createdAt;
    private TokenBucketRateLimiter? _messages;
    private long _messagesSince;
    private int _refusals;
    private long _refusalWindowStart;

    public SessionLimits(FloodControl control, TokenBucketRateLimiter? requests)
    {
        _control = control;
        _requests = requests;
        _createdAt = _messagesSince = control.Now;
    }

    /// <summary>The session is ready: from now on its messages draw from <paramref name="messages"/> (null: unlimited).</summary>
    public void AttachMessageBucket(TokenBucketRateLimiter? messages)
    {
        _messagesSince = _control.Now;
        Volatile.Write(ref _messages, messages);
    }

    /// <summary>Takes a message token; false with the time to wait when there is none. No allocation when allowed.</summary>
    public bool TryTakeMessage(out uint retryAfterMs) => TryTake(_messages, _messagesSince, out retryAfterMs);

    /// <summary>Takes a request token; false with the time to wait when there is none.</summary>
    public bool TryTakeRequest(out uint retryAfterMs) => TryTake(_requests, _createdAt, out retryAfterMs);

    /// <summary>
    /// Counts a refusal; true when this one is past <see cref="RateLimitOptions.RefusalsBeforeDisconnect"/>
    /// within <see cref="RateLimitOptions.RefusalWindow"/>: the client is not waiting as it was told.
    /// </summary>
    public bool RefusedOnceTooOften()
    {
        RateLimitOptions o = _control.Options;
        if (o.RefusalsBeforeDisconnect <= 0)
        {
            return false;
        }

        long now = _control.Now;
        if (_refusals == 0 || _control.Elapsed(_refusalWindowStart, now) > o.RefusalWindow)
        {
            _refusals = 0;
            _refusalWindowStart = now;
        }

        return ++_refusals >= o.RefusalsBeforeDisconnect;
    }

    /// <summary>Credits both buckets with the time since their last replenishment (the heartbeat calls this once per beat).</summary>
    public void Replenish()
    {
        _requests?.TryReplenish();
        Volatile.Read(ref _messages)?.TryReplenish();
    }

    /// <summary>The connection has ended.</summary>
    public void Release(Session session)
    {
        _requests?.Dispose();
        _control.ReleaseMessageBucket(session.Account?.Key, Interlocked.Exchange(ref _messages, null));
    }

    private bool TryTake(TokenBucketRateLimiter? bucket, long since, out uint retryAfterMs)
    {
        retryAfterMs = 0;
        if (bucket is null)
        {
            return true;
        }

        // A success is the limiter's one shared lease: nothing is allocated on the path every message takes.
        using RateLimitLease lease = bucket.AttemptAcquire();
        if (lease.IsAcquired)
        {
            return true;
        }

        TimeSpan refill = lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan r) ? r : TimeSpan.FromSeconds(1);
        retryAfterMs = _control.RetryAfterMs(refill, since);
        return false;
    }
}
