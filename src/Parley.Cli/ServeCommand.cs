using System.CommandLine;
using System.Net;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Parley.Server;
using Parley.Server.Hosting;
using Parley.Storage.Sqlite;

namespace Parley.Cli;

/// <summary><c>parley serve</c>: runs a server on embedded defaults, a JSON file, PARLEY__ variables and flags.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var listen = new Option<string[]>("--listen", "-l")
        {
            Description = "ADDR:PORT to listen on; repeat for several. 0.0.0.0:PORT (IPv4), [::]:PORT (IPv6), *:PORT (both; the default, port 7275)",
            AllowMultipleArgumentsPerToken = false,
        };
        var data = new Option<string?>("--data") { Description = "Data directory (default: $XDG_DATA_HOME/parley/server)" };
        var config = new Option<string?>("--config") { Description = "JSON configuration file; its keys are the option names (see docs/OPERATIONS.md)" };
        var name = new Option<string?>("--server-name") { Description = "Name announced to clients" };
        var motd = new Option<string?>("--motd") { Description = "Message of the day announced to clients" };
        var maxConnections = new Option<int?>("--max-connections") { Description = "Open connections in total (default 200000)" };
        var perAddress = new Option<int?>("--max-connections-per-ip") { Description = "Open connections from one IP address (default 64)" };
        var logLevel = new Option<string?>("--log-level") { Description = "Trace, Debug, Information (default), Warning, Error" };
        var noRateLimits = new Option<bool>("--no-rate-limits")
        {
            Description = "Turn flood control off: no message, request or connection rate limits (benchmarks and local tests only; logged as a warning)",
        };
        var mode = new Option<Parley.Server.Accounts.AccountMode?>("--mode")
        {
            Description = "Who may connect: Open (guests too, the default), Registered (logged-in only), Invite (logged-in only; registering needs an invite code)",
        };
        var registration = new Option<bool?>("--registration") { HelpName = "true|false", Description = "Whether clients may create accounts (default true)" };
        var tlsCert = new Option<string?>("--tls-cert")
        {
            HelpName = "FILE",
            Description = "PEM certificate chain, server certificate first (certbot's fullchain.pem); reloaded when it changes or on SIGHUP. " +
                "Default: a self-signed certificate made on the first start in DATA/tls",
        };
        var tlsKey = new Option<string?>("--tls-key") { HelpName = "FILE", Description = "PEM private key of --tls-cert (certbot's privkey.pem)" };
        var insecure = new Option<bool>("--insecure-no-tls")
        {
            Description = "Plain TCP, no TLS: everything crosses the network readable by anyone on the path. For tests and local use only",
        };

        var command = new Command("serve", "Run a Parley server")
        {
            listen, data, config, name, motd, maxConnections, perAddress, logLevel, tlsCert, tlsKey, insecure, mode, registration, noRateLimits,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var overrides = new Dictionary<string, string?>();
            void Set(string key, object? value)
            {
                if (value is not null)
                {
                    overrides[key] = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            Set(nameof(ServerOptions.DataDirectory), result.GetValue(data));
            Set(nameof(ServerOptions.ServerName), result.GetValue(name));
            Set(nameof(ServerOptions.Motd), result.GetValue(motd));
            Set(nameof(ServerOptions.MaxConnections), result.GetValue(maxConnections));
            Set(nameof(ServerOptions.MaxConnectionsPerAddress), result.GetValue(perAddress));
            Set("Logging:LogLevel:Default", result.GetValue(logLevel));
            Set("Accounts:Mode", result.GetValue(mode));
            Set("Accounts:Registration", result.GetValue(registration));
            Set("Tls:CertificateFile", result.GetValue(tlsCert));
            Set("Tls:KeyFile", result.GetValue(tlsKey));
            if (result.GetValue(insecure))
            {
                Set("Tls:Enabled", false);
            }

            if (result.GetValue(noRateLimits))
            {
                // A burst of 0 turns each limit off; the server logs a warning for each at start.
                Set("RateLimits:MessageBurst", 0);
                Set("RateLimits:RequestBurst", 0);
                Set("RateLimits:ConnectionBurst", 0);
            }

            var settings = new ParleyServerSettings
            {
                ConfigFile = result.GetValue(config),
                Listen = result.GetValue(listen) ?? [],
                Overrides = overrides,
                StoreFactory = CreateStore,
            };
            return await RunAsync(settings, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>The durable store: <c>parley.db</c> in the data directory.</summary>
    internal static SqliteChatStore CreateStore(ServerOptions options) =>
        SqliteChatStore.InDataDirectory(options.DataDirectory!, new SqliteStoreOptions { FullSync = options.SyncCommits });

    private static async Task<int> RunAsync(ParleyServerSettings settings, CancellationToken cancellationToken)
    {
        WebApplication app;
        try
        {
            app = ParleyServerHost.Build(settings);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or FormatException or OptionsValidationException)
        {
            await Console.Error.WriteLineAsync($"parley serve: {ex.Message}").ConfigureAwait(false);
            return 2;
        }

        await using (app.ConfigureAwait(false))
        {
            try
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OptionsValidationException or IOException or InvalidOperationException or System.Net.Sockets.SocketException
                or InvalidDataException or UnauthorizedAccessException // a TLS certificate or key that does not load
                or Parley.Server.Storage.StoreUnavailableException or UnsupportedSchemaVersionException)
            {
                await Console.Error.WriteLineAsync($"parley serve: {ex.Message}").ConfigureAwait(false);
                return 2;
            }

            ParleyServer server = app.Services.GetRequiredService<ParleyServer>();
            // SIGHUP reloads the certificate files (as nginx and most daemons do); without a handler it would end the
            // process. Registered before the banner, which is what scripts wait for before they might send it.
            using PosixSignalRegistration hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true;
                server.ReloadCertificate("SIGHUP");
            });
            // Scripts and tests read these lines to find the bound port (port 0 picks a free one).
            foreach (IPEndPoint endpoint in server.BoundEndPoints)
            {
                Console.Out.WriteLine($"listening on {endpoint}");
            }

            Console.Out.WriteLine($"data directory {server.Options.DataDirectory}");
            WriteTlsBanner(server);
            Console.Out.Flush();
            // The host's console lifetime turns SIGINT/SIGTERM into a graceful stop.
            await app.WaitForShutdownAsync(CancellationToken.None).ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>The fingerprint users compare before trusting the server (scripts and tests read the line too), or a loud warning.</summary>
    private static void WriteTlsBanner(ParleyServer server)
    {
        if (server.Tls?.Current is { } certificate)
        {
            Console.Out.WriteLine($"tls fingerprint {certificate.Fingerprint} ({certificate.Description})");
            if (certificate.SelfSigned)
            {
                Console.Out.WriteLine("tls clients pin this fingerprint on first use; give it to your users to compare (parley admin fingerprint prints it again)");
            }

            return;
        }

        Console.Out.WriteLine("WARNING: TLS is OFF (--insecure-no-tls). Messages and everything else cross the network in plain text,");
        Console.Out.WriteLine("WARNING: readable and changeable by anyone on the path. For tests and local use only.");
    }
}
