using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Parley.Server.Tls;

/// <summary>
/// The certificate every new handshake uses, and its reloading. Handshakes read one volatile field
/// (<see cref="Current"/>); a reload builds the next certificate completely, then swaps the field, so a
/// handshake sees the old or the new certificate, never half of one, and connections already open keep
/// the session they negotiated.
/// </summary>
/// <remarks>
/// Reloads come from a file-system watcher on the directories of <c>--tls-cert</c> and <c>--tls-key</c>
/// (debounced: certbot replaces the two files one after the other), a periodic check of the files' stamps
/// (<see cref="ServerTlsOptions.ReloadCheckInterval"/>; the watcher can miss changes behind symbolic links),
/// and <see cref="Reload"/> (SIGHUP). A file that does not load keeps the certificate in use and logs an
/// error. The self-signed certificate is not watched (nobody edits it) but is checked periodically, which
/// also re-issues it, with the same key, before it expires.
/// </remarks>
public sealed class TlsCertificateProvider : IDisposable
{
    /// <summary>How long the files must be quiet after a change before they are read.</summary>
    internal static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(500);

    private readonly ServerTlsOptions _options;
    private readonly string? _selfSignedDirectory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _reloadLock = new();
    private readonly List<FileSystemWatcher> _watchers = [];
    private volatile ServerCertificate _current;
    private ITimer? _debounce;
    private ITimer? _check;
    private int _reloads;
    // The files as they were when they last failed to load: not retried (nor logged again) until they change.
    private (FileStamp, FileStamp)? _failed;

    /// <summary>Loads (or on the first start, creates) the certificate.</summary>
    /// <exception cref="InvalidDataException">The certificate or key can't be loaded.</exception>
    public TlsCertificateProvider(ServerTlsOptions options, string dataDirectory, TimeProvider time, ILogger logger)
    {
        _options = options;
        _time = time;
        _logger = logger;
        if (!options.UsesFiles)
        {
            _selfSignedDirectory = ServerTlsOptions.SelfSignedDirectory(dataDirectory);
        }

        _current = LoadFiles();
        Log.TlsCertificateLoaded(_logger, _current.Description, _current.Fingerprint);
        if (_current.Leaf.NotAfter.ToUniversalTime() < time.GetUtcNow().UtcDateTime)
        {
            Log.TlsCertificateExpired(_logger, _current.CertificateFile, _current.Leaf.NotAfter.ToUniversalTime());
        }
    }

    /// <summary>The certificate new handshakes use.</summary>
    public ServerCertificate Current => _current;

    /// <summary>How many times a reload has put a different certificate in place.</summary>
    public int Reloads => Volatile.Read(ref _reloads);

    /// <summary>A handshake's options: the current certificate, the operating system's defaults for the rest.</summary>
    internal SslServerAuthenticationOptions AuthenticationOptions() => new()
    {
        ServerCertificateContext = _current.Context,
        // No ALPN: the protocol has one name only and clients offer none.
        ApplicationProtocols = null,
        ClientCertificateRequired = false,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        // Client-initiated renegotiation only serves CPU-exhaustion attacks here.
        AllowRenegotiation = false,
        // EnabledSslProtocols and CipherSuitesPolicy stay unset: the OS defaults (TLS 1.2 and 1.3).
    };

    /// <summary>How long a TLS handshake may take (<see cref="ServerTlsOptions.HandshakeTimeout"/>).</summary>
    internal TimeSpan HandshakeTimeout => _options.HandshakeTimeout;

    /// <summary>
    /// Loads the files again now (SIGHUP). Returns true when a different certificate is now in use; a file
    /// that does not load is logged and the current certificate kept.
    /// </summary>
    public bool Reload(string trigger) => TryReload(trigger, force: true);

    /// <summary>Starts watching the files and the periodic check (the server's start; the constructor has loaded them).</summary>
    internal void Start()
    {
        if (_selfSignedDirectory is null)
        {
            Watch(Path.GetDirectoryName(_current.CertificateFile)!);
            if (!string.Equals(Path.GetDirectoryName(_current.KeyFile), Path.GetDirectoryName(_current.CertificateFile), StringComparison.Ordinal))
            {
                Watch(Path.GetDirectoryName(_current.KeyFile)!);
            }
        }

        lock (_reloadLock)
        {
            _check = _time.CreateTimer(_ => TryReload("periodic check", force: false), null, _options.ReloadCheckInterval, _options.ReloadCheckInterval);
        }
    }

    public void Dispose()
    {
        lock (_reloadLock)
        {
            foreach (FileSystemWatcher watcher in _watchers)
            {
                watcher.Dispose();
            }

            _watchers.Clear();
            _debounce?.Dispose();
            _debounce = null;
            _check?.Dispose();
            _check = null;
        }
    }

    private ServerCertificate LoadFiles()
    {
        if (_selfSignedDirectory is not null)
        {
            (string certificate, string key) = SelfSignedCertificate.Ensure(_selfSignedDirectory, _time, _logger);
            return ServerCertificate.Load(certificate, key, selfSigned: true);
        }

        return ServerCertificate.Load(_options.CertificateFile!, _options.KeyFile!);
    }

    private bool TryReload(string trigger, bool force)
    {
        lock (_reloadLock)
        {
            ServerCertificate current = _current;
            (FileStamp, FileStamp) stamp = (FileStamp.Of(current.CertificateFile), FileStamp.Of(current.KeyFile));
            try
            {
                bool due = force || (stamp != current.Stamp && stamp != _failed)
                    || (current.SelfSigned && current.Leaf.NotAfter.ToUniversalTime() - _time.GetUtcNow().UtcDateTime < SelfSignedCertificate.RenewBefore);
                if (!due)
                {
                    return false;
                }

                ServerCertificate next = LoadFiles();
                _failed = null;
                // The one that was in use is left to the collector, not disposed: a handshake may be reading it now.
                _current = next;
                if (next.Leaf.RawDataMemory.Span.SequenceEqual(current.Leaf.RawDataMemory.Span))
                {
                    Log.TlsCertificateUnchanged(_logger, trigger, next.Fingerprint);
                    return false;
                }

                Interlocked.Increment(ref _reloads);
                Log.TlsCertificateReloaded(_logger, trigger, next.Description, next.Fingerprint, current.Fingerprint);
                return true;
            }
            catch (Exception ex)
            {
                // Whatever went wrong, it happened to the next certificate (this may run on a timer thread, where an
                // exception would end the process): the current one stays, and the operator reads why.
                _failed = stamp;
                Log.TlsCertificateReloadFailed(_logger, trigger, current.Fingerprint, ex.Message);
                return false;
            }
        }
    }

    private void Watch(string directory)
    {
        try
        {
            var watcher = new FileSystemWatcher(directory)
            {
                IncludeSubdirectories = false,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            watcher.Changed += OnFileEvent;
            watcher.Created += OnFileEvent;
            watcher.Deleted += OnFileEvent;
            watcher.Renamed += OnFileEvent;
            watcher.Error += (_, e) => Log.TlsWatchFailed(_logger, directory, e.GetException().Message);
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException)
        {
            // inotify limits, a directory on a file system without notifications: the periodic check still runs.
            Log.TlsWatchFailed(_logger, directory, ex.Message);
        }
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e)
    {
        lock (_reloadLock)
        {
            if (_check is null)
            {
                return;
            }

            // Every event pushes the read back: the files are read once, after the last of a burst.
            _debounce ??= _time.CreateTimer(_ => TryReload("file change", force: false), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _debounce.Change(Debounce, Timeout.InfiniteTimeSpan);
        }
    }
}
