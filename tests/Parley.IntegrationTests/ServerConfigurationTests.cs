using System.Net;
using System.Net.Sockets;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Protocol.Messages;
using Parley.Server;
using Parley.Server.Hosting;

namespace Parley.IntegrationTests;

/// <summary>How the server is configured and reached: layers of settings, listen addresses, connection limits.</summary>
public sealed class ServerConfigurationTests
{
    [Fact]
    public async Task Settings_layer_defaults_then_file_then_environment_then_flags()
    {
        string file = Path.Combine(Path.GetTempPath(), $"parley-config-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """{ "ServerName": "from-file", "Motd": "file motd", "MaxConnections": 10 }""");
        string variable = "PARLEY__ServerName";
        Environment.SetEnvironmentVariable(variable, "from-environment");
        try
        {
            await using var app = ParleyServerHost.Build(new ParleyServerSettings
            {
                ConfigFile = file,
                Listen = ["127.0.0.1:0"],
                Overrides = new Dictionary<string, string?> { ["MaxConnections"] = "20" },
                ConfigureLogging = logging => logging.ClearProviders(),
            });
            ServerOptions options = app.Services.GetRequiredService<IOptions<ServerOptions>>().Value;

            Assert.Equal("from-environment", options.ServerName);
            Assert.Equal("file motd", options.Motd);
            Assert.Equal(20, options.MaxConnections);
            Assert.Equal(64, options.MaxConnectionsPerAddress);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
            File.Delete(file);
        }
    }

    [Fact]
    public async Task The_server_listens_on_ipv4_and_ipv6_at_once()
    {
        await using var app = ParleyServerHost.Build(new ParleyServerSettings
        {
            Listen = ["127.0.0.1:0", "[::1]:0"],
            UseEnvironment = false,
            Overrides = new Dictionary<string, string?> { ["DataDirectory"] = Path.Combine(Path.GetTempPath(), "parley-tests", Guid.NewGuid().ToString("N")) },
            ConfigureLogging = logging => logging.ClearProviders(),
        });
        await app.StartAsync();
        try
        {
            ParleyServer server = app.Services.GetRequiredService<ParleyServer>();
            IReadOnlyList<IPEndPoint> bound = server.BoundEndPoints;
            Assert.Contains(bound, e => e.AddressFamily == AddressFamily.InterNetwork);
            Assert.Contains(bound, e => e.AddressFamily == AddressFamily.InterNetworkV6);
            foreach (IPEndPoint endpoint in bound)
            {
                // TLS is on by default here (the settings do not turn it off), on both listeners.
                await using WireClient client = await WireClient.ConnectReadyTlsAsync(endpoint, server.Tls!.Current.Fingerprint, $"v{(int)endpoint.AddressFamily}");
                await client.SendAsync(new Ping { Nonce = 7 });
                Assert.Equal(7ul, (await client.ExpectAsync<Pong>()).Nonce);
            }
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Fact]
    public async Task A_connection_over_the_per_address_limit_is_refused_with_an_error_frame()
    {
        await using InProcessServer server = await InProcessServer.StartAsync(new() { ["MaxConnectionsPerAddress"] = "2" });
        await using WireClient first = await WireClient.ConnectReadyAsync(server.EndPoint, "first");
        await using WireClient second = await WireClient.ConnectReadyAsync(server.EndPoint, "second");

        await using WireClient third = await WireClient.ConnectAsync(server.EndPoint);
        List<IMessage> frames = await third.ReadToEndAsync();

        Assert.Equal(ErrorCode.TooManyConnectionsFromAddress, Assert.IsType<Error>(Assert.Single(frames)).Code);
        await second.SendAsync(new Ping { Nonce = 1 });
        Assert.Equal(1ul, (await second.ExpectAsync<Pong>()).Nonce);
    }

    [Fact]
    public void Bad_rate_limit_settings_stop_the_server_at_start_naming_each_one()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => ParleyServerHost.Build(new ParleyServerSettings
        {
            Listen = ["127.0.0.1:0"],
            UseEnvironment = false,
            Overrides = new Dictionary<string, string?>
            {
                ["DataDirectory"] = Path.Combine(Path.GetTempPath(), "parley-tests", Guid.NewGuid().ToString("N")),
                ["RateLimits:ExemptAddresses:0"] = "10.0.0.0/8",
                ["RateLimits:ExemptAddresses:1"] = "the office",
                ["RateLimits:MessagesPerSecond"] = "-1",
            },
            ConfigureLogging = logging => logging.ClearProviders(),
        }));

        Assert.Contains("'the office'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("RateLimits:ExemptAddresses", ex.Message, StringComparison.Ordinal);
        Assert.Contains("RateLimits:MessagesPerSecond", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_limit_turned_off_is_logged_as_a_warning_at_start()
    {
        var warnings = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var app = ParleyServerHost.Build(new ParleyServerSettings
        {
            Listen = ["127.0.0.1:0"],
            UseEnvironment = false,
            Overrides = new Dictionary<string, string?>
            {
                ["DataDirectory"] = Path.Combine(Path.GetTempPath(), "parley-tests", Guid.NewGuid().ToString("N")),
                ["RateLimits:MessageBurst"] = "0",
                ["RateLimits:ConnectionsPerSecond"] = "0",
            },
            ConfigureLogging = logging => logging.AddProvider(new WarningRecorder(warnings)),
        });

        await app.StartAsync();
        await app.StopAsync();

        Assert.Contains(warnings, w => w.Contains("the message rate limit is OFF", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("the connection rate limit per address is OFF", StringComparison.Ordinal));
        Assert.DoesNotContain(warnings, w => w.Contains("the request rate limit", StringComparison.Ordinal));
    }

    private sealed class WarningRecorder(System.Collections.Concurrent.ConcurrentQueue<string> warnings) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Warning)
            {
                warnings.Enqueue(formatter(state, exception));
            }
        }

        public void Dispose()
        {
        }
    }
}
