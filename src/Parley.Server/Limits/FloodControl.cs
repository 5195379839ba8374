using System.Threading.RateLimiting;

namespace Parley.Server.Limits;

/// <summary>
/// The server-wide half of flood control: makes the token buckets sessions draw from, decides what a
/// bucket is shared by, and turns a refusal into the <c>retry_after_ms</c> the client is told.
/// </summary>
/// <remarks>
/// Buckets are <see cref="TokenBucketRateLimiter"/>s without their own timers
/// (<see cref="TokenBucketRateLimiterOptions.AutoReplenishment"/> false): the heartbeat, on the server's
/// <see cref="TimeProvider"/>, calls <see cref="TokenBucketRateLimiter.TryReplenish"/> on every
/// connection's buckets once per beat. So there is no timer per connection, and with a fake clock no
/// token is ever credited unless the test advances it. The amount credited is measured by the limiter
/// itself (its own monotonic clock, rate times the time since its last replenishment); the library
/// offers no way to hand it a <see cref="TimeProvider"/>.
/// </remarks>
internal sealed class FloodControl
{
    private readonly RateLimitOptions _options;
    private readonly TimeProvider _time;
    private readonly TimeSpan _beat;
    private readonly TokenBucketRateLimiterOptions? _messageBucket;
    private readonly TokenBucketRateLimiterOptions? _requestBucket;
    private readonly Dictionary<string, SharedBucket> _shared = new(StringComparer.Ordinal);
    private long _lastBeat;

    public FloodControl(ServerOptions options, TimeProvider time)
    {
        _options = options.RateLimits;
        _time = time;
        _beat = options.HeartbeatPeriod > TimeSpan.Zero ? options.HeartbeatPeriod : TimeSpan.FromSeconds(1);
        _lastBeat = time.GetTimestamp();
        _messageBucket = _options.MessagesLimited ? BucketOptions(_options.MessageBurst, _options.MessagesPerSecond) : null;
        _requestBucket = _options.RequestsLimited ? BucketOptions(_options.RequestBurst, _options.RequestsPerSecond) : null;
    }

    public RateLimitOptions Options => _options;

    /// <summary>The per-connection limits of a new connection (its request bucket; the message bucket comes with the handshake).</summary>
    public SessionLimits ForConnection() => new(this, NewBucket(_requestBucket));

    /// <summary>
    /// The message bucket a session logged in to <paramref name="account"/> (a key; null for a guest) draws from once it is ready; the one place that decides what a bucket
    /// is shared by. A guest's connection has its own. The connections of one account share one
    /// (PROTOCOL.md "Flood control"), so opening more connections does not multiply an account's rate:
    /// the bucket lives while any of them does (<see cref="ReleaseMessageBucket"/> counts them out). The
    /// heartbeat replenishes a shared bucket once per connection; that is harmless, as each replenishment
    /// credits only the time since the previous one.
    /// </summary>
    public TokenBucketRateLimiter? MessageBucketFor(string? account)
    {
        if (_messageBucket is null)
        {
            return null;
        }

        if (account is null)
        {
            return NewBucket(_messageBucket);
        }

        lock (_shared)
        {
            if (!_shared.TryGetValue(account, out SharedBucket? shared))
            {
                shared = new SharedBucket(NewBucket(_messageBucket)!);
                _shared[account] = shared;
            }

            shared.Users++;
            return shared.Bucket;
        }
    }

    /// <summary>The session is gone: it no longer draws from <paramref name="bucket"/>; a bucket no connection uses is disposed.</summary>
    public void ReleaseMessageBucket(string? account, TokenBucketRateLimiter? bucket)
    {
        if (bucket is null)
        {
            return;
        }

        if (account is not null)
        {
            lock (_shared)
            {
                if (_shared.TryGetValue(account, out SharedBucket? shared) && shared.Bucket == bucket)
                {
                    if (--shared.Users > 0)
                    {
                        return;
                    }

                    _shared.Remove(account);
                }
            }
        }

        bucket.Dispose();
    }

    /// <summary>How many accounts have a shared message bucket now (for tests).</summary>
    internal int SharedBuckets
    {
        get
        {
            lock (_shared)
            {
                return _shared.Count;
            }
        }
    }

    /// <summary>Called by the heartbeat before it visits the connections: retry-after values are counted from here.</summary>
    public void NoteBeat(long timestamp) => Volatile.Write(ref _lastBeat, timestamp);

    /// <summary>
    /// When a refused action may succeed: the first heartbeat at which the bucket will have been credited
    /// at least <paramref name="refill"/> (the limiter's <see cref="MetadataName.RetryAfter"/>: the time to
    /// refill what is missing, counted from the last replenishment). A bucket made after the last beat
    /// was last replenished at <paramref name="createdAt"/>, which pushes that beat later.
    /// </summary>
    public uint RetryAfterMs(TimeSpan refill, long createdAt)
    {
        long now = _time.GetTimestamp();
        long lastBeat = Volatile.Read(ref _lastBeat);
        TimeSpan since = createdAt > lastBeat ? _time.GetElapsedTime(lastBeat, createdAt) : TimeSpan.Zero;
        // Credited at beats: the first beat at or after the last replenishment plus the refill time.
        long beats = Math.Max(1, (long)Math.Ceiling((refill + since).Ticks / (double)_beat.Ticks));
        TimeSpan due = _beat * beats - _time.GetElapsedTime(lastBeat, now);
        // A late heartbeat (a busy machine) makes the next one due at once: name the one after.
        while (due <= TimeSpan.Zero)
        {
            due += _beat;
        }

        return (uint)Math.Min(uint.MaxValue, Math.Ceiling(due.TotalMilliseconds));
    }

    public long Now => _time.GetTimestamp();

    public TimeSpan Elapsed(long since, long now) => _time.GetElapsedTime(since, now);

    private static TokenBucketRateLimiterOptions BucketOptions(int burst, double perSecond) => new()
    {
        TokenLimit = burst,
        // One token per period, so RetryAfter is the time one token takes: the refill itself is
        // continuous (the limiter credits rate x elapsed time), only its crediting waits for a beat.
        TokensPerPeriod = 1,
        ReplenishmentPeriod = TimeSpan.FromTicks(Math.Max(1, (long)(TimeSpan.TicksPerSecond / perSecond))),
        AutoReplenishment = false,
        // Refused at once with a retry-after value, never queued: the protocol answers every request.
        QueueLimit = 0,
    };

    private static TokenBucketRateLimiter? NewBucket(TokenBucketRateLimiterOptions? options) =>
        options is null ? null : new TokenBucketRateLimiter(options);

    private sealed class SharedBucket(TokenBucketRateLimiter bucket)
    {
        public TokenBucketRateLimiter Bucket { get; } = bucket;

        public int Users { get; set; }
    }
}
