using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Parley.Server;
using Parley.Server.Hosting;
using Parley.Storage.Sqlite;

namespace Parley.IntegrationTests;

/// <summary>
/// A real server (Kestrel, real sockets) inside the test process on 127.0.0.1:0. Fails the test on
/// dispose if the server logged an error.
/// </summary>
internal sealed class InProcessServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private InProcessServer(WebApplication app, ConcurrentQueue<string> errors)
    {
        _app = app;
        Errors = errors;
    }

    public ConcurrentQueue<string> Errors { get; }

    public ParleyServer Server => _app.Services.GetRequiredService<ParleyServer>();

    public IPEndPoint EndPoint => Server.BoundEndPoints[0];

    /// <summary>The TLS fingerprint of the certificate in use now, or null with TLS off (the default here).</summary>
    public string? Fingerprint => Server.Tls?.Current.Fingerprint;

    public IServiceProvider Services => _app.Services;

    /// <param name="overrides">
    /// Settings, as configuration keys. TLS is off unless they say <c>["Tls:Enabled"] = "true"</c>: the in-process tests
    /// talk frames (hostile ones included) and TLS is not their point; TlsTests, and the end-to-end tests against the
    /// real <c>parley serve</c>, run over TLS.
    /// </param>
    /// <param name="time">The server's clock (a fake one for timer-driven behaviour); the system clock when null.</param>
    /// <param name="listen">Where to listen; a free port by default.</param>
    public static async Task<InProcessServer> StartAsync(Dictionary<string, string?>? overrides = null, TimeProvider? time = null, string listen = "127.0.0.1:0")
    {
        var errors = new ConcurrentQueue<string>();
        WebApplication app = ParleyServerHost.Build(new ParleyServerSettings
        {
            Listen = [listen],
            UseEnvironment = false,
            Overrides = WithDataDirectory(overrides),
            ConfigureLogging = logging => logging.AddProvider(new ErrorRecorder(errors)),
            // A real SQLite file in a fresh data directory, with the fsync the product uses.
            StoreFactory = options => SqliteChatStore.InDataDirectory(options.DataDirectory!),
            Time = time,
        });
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new InProcessServer(app, errors);
    }

    /// <summary>
    /// <paramref name="overrides"/> with flood control off, for tests that send bursts or open many
    /// connections from 127.0.0.1 and are not about limits. Limits are on by default (issue 4).
    /// </summary>
    public static Dictionary<string, string?> NoRateLimits(Dictionary<string, string?>? overrides = null) =>
        new(overrides ?? [])
        {
            ["RateLimits:MessageBurst"] = "0",
            ["RateLimits:RequestBurst"] = "0",
            ["RateLimits:ConnectionBurst"] = "0",
        };

    // A fresh data directory unless the test brings its own (a database it prepared).
    private static Dictionary<string, string?> WithDataDirectory(Dictionary<string, string?>? overrides)
    {
        var all = new Dictionary<string, string?>(overrides ?? []);
        all.TryAdd("DataDirectory", Path.Combine(Path.GetTempPath(), "parley-tests", Guid.NewGuid().ToString("N")));
        all.TryAdd("Tls:Enabled", "false");
        return all;
    }

    /// <summary>Stops the server the way SIGTERM does.</summary>
    public async Task StopAsync()
    {
        _stopped = true;
        await _app.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            await _app.StopAsync();
        }

        await _app.DisposeAsync();
        Assert.Empty(Errors);
    }

    private sealed class ErrorRecorder(ConcurrentQueue<string> errors) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error)
            {
                errors.Enqueue($"{formatter(state, exception)} {exception}");
            }
        }

        public void Dispose()
        {
        }
    }
}
