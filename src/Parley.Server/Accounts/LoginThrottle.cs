using System.Collections.Concurrent;
using System.Net;
using System.Threading.RateLimiting;

namespace Parley.Server.Accounts;

/// <summary>
/// Failed logins, counted per account and per client IP address with token buckets
/// (System.Threading.RateLimiting, partitioned by key). A failure takes a token from both buckets; while
/// either is empty, a login attempt is refused before its password is checked. Also at most one password
/// check per account runs at a time, so a burst of parallel guesses can't all pass the check before the
/// first failure is counted.
/// </summary>
internal sealed class LoginThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> _accounts;
    private readonly PartitionedRateLimiter<IPAddress> _addresses;
    private readonly ConcurrentDictionary<string, byte> _checking = new(StringComparer.Ordinal);
    private readonly TimeSpan _accountRefill;

    public LoginThrottle(AccountOptions options)
    {
        _accountRefill = options.AccountFailureRefill;
        _accounts = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key,
            _ => Bucket(options.FailedLoginsPerAccount, options.AccountFailureRefill)));
        _addresses = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address => RateLimitPartition.GetTokenBucketLimiter(address,
            _ => Bucket(options.FailedLoginsPerAddress, options.AddressFailureRefill)));
    }

    /// <summary>
    /// Whether a login to <paramref name="accountKey"/> from <paramref name="address"/> may be checked now;
    /// if not, how long to wait. On success with <paramref name="exclusive"/> the caller holds the account's
    /// check and must call <see cref="EndCheck"/>.
    /// </summary>
    public bool TryBegin(string? accountKey, IPAddress? address, bool exclusive, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if ((accountKey is not null && !Allowed(_accounts, accountKey, out retryAfter))
            || (address is not null && !Allowed(_addresses, Normalize(address), out retryAfter)))
        {
            return false;
        }

        if (exclusive && accountKey is not null && !_checking.TryAdd(accountKey, 0))
        {
            // Another check of this account is running; it will be answered within a hash time.
            retryAfter = TimeSpan.FromSeconds(1);
            return false;
        }

        return true;
    }

    public void EndCheck(string accountKey) => _checking.TryRemove(accountKey, out _);

    /// <summary>Counts a failed login against the account (when given) and the address.</summary>
    public void Failed(string? accountKey, IPAddress? address)
    {
        if (accountKey is not null)
        {
            _accounts.AttemptAcquire(accountKey, 1).Dispose();
        }

        if (address is not null)
        {
            _addresses.AttemptAcquire(Normalize(address), 1).Dispose();
        }
    }

    public void Dispose()
    {
        _accounts.Dispose();
        _addresses.Dispose();
    }

    private static TokenBucketRateLimiterOptions Bucket(int burst, TimeSpan refill) => new()
    {
        TokenLimit = burst,
        TokensPerPeriod = 1,
        ReplenishmentPeriod = refill,
        AutoReplenishment = true,
        QueueLimit = 0,
    };

    /// <summary>
    /// Whether a whole token is in the bucket, without taking it (only failures take tokens). Not
    /// <c>AttemptAcquire(0)</c>: partitioned buckets refill continuously, and a zero-permit acquire succeeds on
    /// any fraction of a token, which would let one more guess through every heartbeat.
    /// </summary>
    private bool Allowed<TKey>(PartitionedRateLimiter<TKey> limiter, TKey key, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (limiter.GetStatistics(key) is not { } statistics || statistics.CurrentAvailablePermits >= 1)
        {
            return true;
        }

        // Fails (less than a token), taking nothing, and says when a token will be there. If one arrived in
        // between, this attempt has spent it, which is what a failure would have done anyway.
        using RateLimitLease lease = limiter.AttemptAcquire(key, 1);
        if (lease.IsAcquired)
        {
            return true;
        }

        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan after) && after > TimeSpan.Zero ? after : _accountRefill;
        return false;
    }

    // An IPv4 client on a dual-stack socket shows up as ::ffff:a.b.c.d; count it as a.b.c.d.
    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
