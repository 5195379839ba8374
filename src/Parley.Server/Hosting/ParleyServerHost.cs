using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Server.Connections;
using Parley.Server.Storage;
using Parley.Server.Tls;

namespace Parley.Server.Hosting;

/// <summary>Builds the server's host: configuration layers, logging, Kestrel listeners, the Parley services.</summary>
public static class ParleyServerHost
{
    /// <summary>
    /// Builds (does not start) a server host. Configuration, later sources winning: the defaults in
    /// <see cref="ServerOptions"/>, <see cref="ParleyServerSettings.ConfigFile"/>, <c>PARLEY__</c>
    /// environment variables, then <see cref="ParleyServerSettings.Overrides"/> and <see cref="ParleyServerSettings.Listen"/>.
    /// </summary>
    public static WebApplication Build(ParleyServerSettings settings)
    {
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        ConfigurationManager config = builder.Configuration;
        if (settings.ConfigFile is not null)
        {
            config.AddJsonFile(Path.GetFullPath(settings.ConfigFile), optional: false, reloadOnChange: false);
        }

        if (settings.UseEnvironment)
        {
            config.AddEnvironmentVariables("PARLEY__");
        }

        config.AddInMemoryCollection(settings.Overrides);

        // The generic host's start-up lines name an HTTP scheme ("Now listening on: http://..."), wrong for this protocol
        // with TLS or without; the server prints its own banner (address, TLS fingerprint). Before the configuration, so
        // an operator's Logging:LogLevel:Microsoft.Hosting.Lifetime still wins.
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        builder.Logging.AddConfiguration(config.GetSection("Logging"));
        if (settings.ConfigureLogging is not null)
        {
            settings.ConfigureLogging(builder.Logging);
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "yyyy-MM-dd HH:mm:ss ";
            });
        }

        builder.Services.AddOptions<ServerOptions>()
            .Bind(config)
            .PostConfigure(o =>
            {
                if (settings.Listen.Count > 0)
                {
                    o.Listen = [.. settings.Listen];
                }

                o.DataDirectory ??= DefaultDataDirectory();
            })
            .ValidateDataAnnotations()
            .Validate(o => o.IdleTimeout > o.PingInterval, "IdleTimeout must be longer than PingInterval")
            .Validate(o => o.SendQueueHardBytes >= o.SendQueueSoftBytes, "SendQueueHardBytes must be at least SendQueueSoftBytes")
            .Validate(o => o.EffectiveListen.All(a => ListenAddress.TryParse(a, out _, out _)), "every Listen entry must be ADDR:PORT")
            .Validate(o => System.ComponentModel.DataAnnotations.Validator.TryValidateObject(o.Accounts, new(o.Accounts), null, validateAllProperties: true),
                $"Accounts: HashMemoryKiB is at least {Accounts.AccountOptions.MinimumMemoryKiB}, HashIterations at least {Accounts.AccountOptions.MinimumIterations}, and the counts positive")
            .Validate(o => o.Accounts.ResumeTokenLifetime > TimeSpan.Zero && o.Accounts.AccountFailureRefill > TimeSpan.Zero && o.Accounts.AddressFailureRefill > TimeSpan.Zero,
                "Accounts: ResumeTokenLifetime, AccountFailureRefill and AddressFailureRefill must be positive")
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ServerOptions>, RetentionOptionsValidator>();
        builder.Services.AddSingleton<IValidateOptions<ServerOptions>, ServerTlsOptionsValidator>();
        builder.Services.AddSingleton<IValidateOptions<ServerOptions>, Limits.RateLimitOptionsValidator>();

        builder.Services.AddSingleton(settings.Time ?? TimeProvider.System);
        builder.Services.AddSingleton(sp => new ServerMetrics(null, () => sp.GetRequiredService<ServerContext>().Connections.LiveCount));
        builder.Services.AddSingleton(sp =>
        {
            ServerOptions options = sp.GetRequiredService<IOptions<ServerOptions>>().Value;
            Directory.CreateDirectory(options.DataDirectory!);
            return new ServerContext(
                options,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("Parley.Server"),
                sp.GetRequiredService<ServerMetrics>(),
                settings.StoreFactory?.Invoke(options));
        });
        builder.Services.AddSingleton<ParleyConnectionHandler>();
        builder.Services.AddSingleton(sp =>
        {
            ServerContext context = sp.GetRequiredService<ServerContext>();
            // Loads (on the first start, creates) the certificate; a file that does not load stops the start here.
            TlsCertificateProvider? tls = context.Options.Tls.Enabled
                ? new TlsCertificateProvider(context.Options.Tls, context.Options.DataDirectory!, context.Time, context.Logger)
                : null;
            return new ParleyServer(context, sp.GetRequiredService<IHostApplicationLifetime>(), tls);
        });
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ParleyServer>());
        // Registered after ParleyServer, so stopped before it: the host stops services in reverse order, and ParleyServer disposes the store.
        builder.Services.AddHostedService(sp =>
        {
            ServerContext context = sp.GetRequiredService<ServerContext>();
            return new RetentionService(context.Store, context.StoreWriteGate, context.Options.Retention, context.Time, context.Logger);
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<ServerOptions>>((h, s) => h.ShutdownTimeout = s.Value.ShutdownTimeout + s.Value.CloseGrace + TimeSpan.FromSeconds(1));

        builder.WebHost.UseKestrelCore();
        builder.Services.Configure<SocketTransportOptions>(ConfigureSockets);
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<ServerOptions>, ParleyServer>((kestrel, options, server) =>
        {
            // Connection limits are ours (ConnectionManager), so refused clients get an error frame, not a bare close.
            kestrel.Limits.MaxConcurrentConnections = null;
            kestrel.AddServerHeader = false;
            foreach (string text in options.Value.EffectiveListen)
            {
                ListenAddress.TryParse(text, out ListenAddress? address, out _);
                Action<ListenOptions> configure = lo =>
                {
                    // TLS, when on, is the handler's: it admits a connection before its handshake (ServerTlsConnection).
                    lo.UseConnectionHandler<ParleyConnectionHandler>();
                    server.AddListener(lo);
                };
                if (address!.Value.IsAny)
                {
                    kestrel.ListenAnyIP(address.Value.Port, configure);
                }
                else
                {
                    kestrel.Listen(address.Value.Address!, address.Value.Port, configure);
                }
            }
        });

        return builder.Build();
    }

    /// <summary>
    /// The socket transport's scheduling (issue 6, docs/BENCHMARKS.md "Performance work"). Inline: a flush
    /// in a connection's write loop runs Kestrel's send on the same thread, and a completed receive runs the
    /// read loop on the thread that completed it, instead of each hopping through one of Kestrel's I/O queues
    /// to another thread-pool work item. At chat rates nearly every delivery is its own flush, so that hop
    /// was paid once per delivery. "Unsafe" because application code then runs on the transport's threads
    /// (thread-pool threads on Linux): safe here because neither loop waits on another thread (commits and
    /// password hashes are awaited on their own queues), and their synchronous work (parsing, a history page
    /// read from SQLite) is what they already did on a thread-pool thread.
    /// </summary>
    internal static void ConfigureSockets(SocketTransportOptions options) => options.UnsafePreferInlineScheduling = true;

    /// <summary><c>$XDG_DATA_HOME/parley/server</c>, or <c>~/.local/share/parley/server</c>.</summary>
    public static string DefaultDataDirectory()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        string root = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(root, "parley", "server");
    }
}
