using System.CommandLine;
using System.Net;
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

        var command = new Command("serve", "Run a Parley server") { listen, data, config, name, motd, maxConnections, perAddress, logLevel, noRateLimits };
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
                or Parley.Server.Storage.StoreUnavailableException or UnsupportedSchemaVersionException)
            {
                await Console.Error.WriteLineAsync($"parley serve: {ex.Message}").ConfigureAwait(false);
                return 2;
            }

            ParleyServer server = app.Services.GetRequiredService<ParleyServer>();
            // Scripts and tests read these lines to find the bound port (port 0 picks a free one).
            foreach (IPEndPoint endpoint in server.BoundEndPoints)
            {
                Console.Out.WriteLine($"listening on {endpoint}");
            }

            Console.Out.WriteLine($"data directory {server.Options.DataDirectory}");
            Console.Out.Flush();
            // The host's console lifetime turns SIGINT/SIGTERM into a graceful stop.
            await app.WaitForShutdownAsync(CancellationToken.None).ConfigureAwait(false);
        }

        return 0;
    }
}
