using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;

namespace Parley.Server.Limits;

/// <summary>
/// New connections per address, checked at admission before anything is read: a token bucket per
/// IPv4 address or IPv6 /64 (<see cref="PartitionedRateLimiter"/>), and the operator's list of
/// addresses exempt from connection limits.
/// </summary>
/// <remarks>
/// The partitioned limiter replenishes its buckets itself (a timer of its own, every 100 ms) and drops
/// the bucket of an address that has been idle with a full bucket for a while, so a scan from many
/// addresses leaves nothing behind. That timer runs on real time, which is fine here: admission is
/// tested over real sockets, never with a fake clock.
/// </remarks>
internal sealed class ConnectionRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<IPAddress>? _limiter;
    private readonly IPNetwork[] _exempt;

    public ConnectionRateLimiter(RateLimitOptions options)
    {
        _exempt = [.. options.ExemptAddresses.Select(a => TryParseNetwork(a, out IPNetwork n, out _) ? n : throw new FormatException(a))];
        if (options.ConnectionsLimited)
        {
            var bucket = new TokenBucketRateLimiterOptions
            {
                TokenLimit = options.ConnectionBurst,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = TimeSpan.FromTicks(Math.Max(1, (long)(TimeSpan.TicksPerSecond / options.ConnectionsPerSecond))),
                QueueLimit = 0,
            };
            _limiter = PartitionedRateLimiter.Create<IPAddress, IPAddress>(
                address => RateLimitPartition.GetTokenBucketLimiter(PartitionKey(address), _ => bucket));
        }
    }

    /// <summary>True when <paramref name="address"/> is on the operator's list: no per-address limit applies to it.</summary>
    public bool IsExempt(IPAddress address)
    {
        address = Canonical(address);
        foreach (IPNetwork network in _exempt)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Takes a token for a new connection from <paramref name="address"/>; false with the time to wait when there is none.</summary>
    public bool TryAdmit(IPAddress address, out uint retryAfterMs)
    {
        retryAfterMs = 0;
        if (_limiter is null)
        {
            return true;
        }

        using RateLimitLease lease = _limiter.AttemptAcquire(address);
        if (lease.IsAcquired)
        {
            return true;
        }

        TimeSpan wait = lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan r) ? r : TimeSpan.FromSeconds(1);
        retryAfterMs = (uint)Math.Clamp(Math.Ceiling(wait.TotalMilliseconds), 1, uint.MaxValue);
        return false;
    }

    public void Dispose() => _limiter?.Dispose();

    /// <summary>An address (<c>192.0.2.1</c>, <c>::1</c>) or a network in CIDR form (<c>10.0.0.0/8</c>).</summary>
    internal static bool TryParseNetwork(string text, out IPNetwork network, out string error)
    {
        error = string.Empty;
        text = text.Trim();
        if (IPAddress.TryParse(text, out IPAddress? address) && !text.Contains('/', StringComparison.Ordinal))
        {
            address = Canonical(address);
            network = new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        if (IPNetwork.TryParse(text, out network))
        {
            return true;
        }

        error = $"'{text}' is neither an IP address nor a network like 10.0.0.0/8";
        return false;
    }

    /// <summary>
    /// What one client is: an IPv4 address (also when it arrives IPv4-mapped on a dual-stack socket), or
    /// an IPv6 /64, since one host commonly holds a whole /64 and could otherwise take a fresh bucket per connection.
    /// </summary>
    internal static IPAddress PartitionKey(IPAddress address)
    {
        address = Canonical(address);
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes);
    }

    private static IPAddress Canonical(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
