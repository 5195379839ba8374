using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Hosting;
using Parley.Server.Tls;

namespace Parley.Server.Hosting;

/// <summary>
/// The running server as a hosted service: starts the heartbeat, creates the data directory,
/// turns the host's stopping signal (SIGINT/SIGTERM) into a graceful shutdown, and reports the
/// endpoints Kestrel actually bound (port 0 becomes a real port).
/// </summary>
public sealed class ParleyServer : IHostedService
{
    private readonly ServerContext _context;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly List<ListenOptions> _listeners = [];
    private CancellationTokenRegistration _stopping;
    private NativeMemoryTrimmer? _trimmer;

    internal ParleyServer(ServerContext context, IHostApplicationLifetime lifetime, TlsCertificateProvider? tls)
    {
        _context = context;
        _lifetime = lifetime;
        Tls = tls;
    }

    /// <summary>The TLS certificate in use and its reloading; null when TLS is off (<c>--insecure-no-tls</c>).</summary>
    public TlsCertificateProvider? Tls { get; }

    /// <summary>The endpoints being listened on, after the host has started.</summary>
    public IReadOnlyList<IPEndPoint> BoundEndPoints
    {
        get
        {
            lock (_listeners)
            {
                return [.. _listeners.Select(l => l.IPEndPoint).OfType<IPEndPoint>()];
            }
        }
    }

    /// <summary>Connections open now.</summary>
    public int LiveConnections => _context.Connections.LiveCount;

    public ServerOptions Options => _context.Options;

    internal ServerContext Context => _context;

    /// <summary>The trimmer of malloc's free memory, once started. For tests.</summary>
    internal NativeMemoryTrimmer? Trimmer => _trimmer;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!Protocol.ContentRules.UnicodeNamesSupported)
        {
            Log.NoUnicodeNormalization(_context.Logger);
        }

        if (Tls is null)
        {
            Log.TlsDisabled(_context.Logger);
        }
        else
        {
            Tls.Start();
            if (_context.Options.Tls.ReleaseIdleBuffers && OpenSslIdleBuffers.Unavailable is { } why)
            {
                Log.TlsIdleBuffersKept(_context.Logger, why);
            }
            else if (_context.Options.Tls.ReleaseIdleBuffers && !OpenSslIdleBuffers.CanReleaseBios)
            {
                Log.TlsIdleBiosKept(_context.Logger);
            }
        }

        WarnAboutLimitsOff(_context);
        _context.Connections.StartHeartbeat();
        _trimmer = new NativeMemoryTrimmer(_context.Options.NativeMemoryTrimInterval, _context.Options.NativeMemoryTrimThresholdBytes, _context.Time, _context.Logger);
        _trimmer.Start();
        LogGarbageCollector(_context.Logger);
        // ApplicationStopping fires before Kestrel stops: every client is told, with what is queued for it flushed first.
        _stopping = _lifetime.ApplicationStopping.Register(_context.Connections.BeginShutdown);
        return Task.CompletedTask;
    }

    /// <summary>What memory questions start from: the collector's kind and the cap on its youngest generation's budget.</summary>
    private static void LogGarbageCollector(Microsoft.Extensions.Logging.ILogger logger)
    {
        long budget = GC.GetConfigurationVariables().TryGetValue("GCGen0MaxBudget", out object? value) && value is IConvertible c
            ? c.ToInt64(System.Globalization.CultureInfo.InvariantCulture)
            : 0;
        Log.GarbageCollector(logger, System.Runtime.GCSettings.IsServerGC ? "server" : "workstation", budget);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _context.Connections.WaitForDrainAsync(_context.Options.ShutdownTimeout + _context.Options.CloseGrace, cancellationToken).ConfigureAwait(false);
        await _stopping.DisposeAsync().ConfigureAwait(false);
        _trimmer?.Stop();
        Tls?.Dispose();
        _context.Connections.Dispose();
        _context.AdminChanges.Dispose();
        _context.Committer.Dispose();
        _context.Accounts.Dispose();
        _context.Store.Dispose();
    }

    /// <summary>
    /// Reads the certificate files again now (SIGHUP): new handshakes use them if they load, open connections
    /// carry on. False when nothing changed, the files did not load (logged), or TLS is off.
    /// </summary>
    public bool ReloadCertificate(string trigger)
    {
        if (Tls is null)
        {
            Log.TlsReloadWithoutTls(_context.Logger);
            return false;
        }

        return Tls.Reload(trigger);
    }

    /// <summary>Issue 4: every limit is on by default, and one turned off is said so at every start.</summary>
    private static void WarnAboutLimitsOff(ServerContext context)
    {
        Limits.RateLimitOptions limits = context.Options.RateLimits;
        if (!limits.MessagesLimited)
        {
            Log.LimitOff(context.Logger, "the message rate limit", "RateLimits:MessageBurst or RateLimits:MessagesPerSecond");
        }

        if (!limits.RequestsLimited)
        {
            Log.LimitOff(context.Logger, "the request rate limit", "RateLimits:RequestBurst or RateLimits:RequestsPerSecond");
        }

        if (!limits.ConnectionsLimited)
        {
            Log.LimitOff(context.Logger, "the connection rate limit per address", "RateLimits:ConnectionBurst or RateLimits:ConnectionsPerSecond");
        }

        if (limits.RefusalsBeforeDisconnect <= 0)
        {
            Log.LimitOff(context.Logger, "disconnecting clients that keep flooding", "RateLimits:RefusalsBeforeDisconnect");
        }

        if (limits.ExemptAddresses.Count > 0)
        {
            Log.LimitExempt(context.Logger, string.Join(", ", limits.ExemptAddresses));
        }
    }

    internal void AddListener(ListenOptions listener)
    {
        lock (_listeners)
        {
            _listeners.Add(listener);
        }
    }
}
