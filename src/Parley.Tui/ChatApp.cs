using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Parley.Client;
using Parley.Tui.Config;
using Parley.Tui.Model;
using Parley.Tui.Session;
using Parley.Tui.Terminal;

namespace Parley.Tui;

/// <summary>How <c>parley chat</c> starts the full-screen client.</summary>
public sealed class ChatAppOptions
{
    /// <summary>The server as given on the command line (a saved server's name is looked up in the config).</summary>
    public required ParleyEndpoint Endpoint { get; init; }

    /// <summary>The nickname from <c>--name</c>; empty to use the configured one (asked for on the first run).</summary>
    public string Nick { get; init; } = string.Empty;

    /// <summary>The client name sent in Hello.</summary>
    public string ClientName { get; init; } = "parley-tui/0.1";

    /// <summary>The account to log in to; null for a guest. Its nickname defaults to the account name.</summary>
    public AccountLogin? Login { get; init; }

    /// <summary>Where the configuration lives; default <see cref="ConfigStore.Default()"/>.</summary>
    public ConfigStore? Config { get; init; }

    /// <summary>
    /// TLS and the server's identity. Unless a prompt is set, an unknown server is asked about on the console
    /// (<see cref="FirstRun.AskTrust"/>) before the screen opens; once it is open, nothing is asked.
    /// </summary>
    public ClientTlsOptions Tls { get; init; } = new();

    /// <summary>Where warnings go before the screen opens and after it closes.</summary>
    public TextWriter Errors { get; init; } = Console.Error;

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;
}

/// <summary>
/// <c>parley chat</c>: reads the configuration, asks for a nickname on the first run, opens the screen, connects,
/// and on <c>/quit</c> (or on SIGTERM, through the cancellation token) closes the screen, then says goodbye to the server.
/// </summary>
public static class ChatApp
{
    /// <summary>How long the goodbye to the server may take once the screen has closed.</summary>
    private static readonly TimeSpan QuitTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long the identity check before the screen opens waits for the server.</summary>
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Exit code 0 after the user quit; 1 when the session had already stopped for good (refused by the server).</summary>
    public static async Task<int> RunAsync(ChatAppOptions options, CancellationToken stop)
    {
        ILogger logger = options.LoggerFactory.CreateLogger("Parley.Tui");
        ConfigStore store = options.Config ?? ConfigStore.Default();
        ChatConfig config;
        try
        {
            config = store.Load();
        }
        catch (InvalidDataException ex)
        {
            TuiLog.ConfigUnreadable(logger, store.Path, ex.Message);
            await options.Errors.WriteLineAsync($"parley chat: ignoring the configuration: {ex.Message}").ConfigureAwait(false);
            config = new ChatConfig();
        }

        (ParleyEndpoint endpoint, string? savedNick) = config.Resolve(options.Endpoint);
        options.Tls.PromptUnknownServer ??= (server, _) => ValueTask.FromResult(FirstRun.AskTrust(FirstRun.Console(), server));
        var trust = new ServerTrust(endpoint, options.Tls);
        if (!await SettleTrustAsync(trust, options.Errors, stop).ConfigureAwait(false))
        {
            return 1;
        }

        string nick = options.Nick.Length > 0 ? options.Nick : options.Login is null ? savedNick ?? string.Empty : string.Empty;
        bool asked = false;
        // A logged-in session's nickname is its account name unless --name says otherwise: nothing to ask.
        if (nick.Length == 0 && options.Login is null)
        {
            try
            {
                nick = FirstRun.AskNickname(FirstRun.Console());
                asked = true;
            }
            catch (InvalidOperationException ex)
            {
                // No way to ask (no terminal after all): the server assigns a guest name.
                await options.Errors.WriteLineAsync($"parley chat: could not ask for a nickname ({ex.Message}); connecting as a guest").ConfigureAwait(false);
            }
        }

        if (asked)
        {
            config.Nick = nick;
            try
            {
                store.Save(config);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await options.Errors.WriteLineAsync($"parley chat: could not save {store.Path}: {ex.Message}").ConfigureAwait(false);
            }
        }

        var sessionOptions = new ParleySessionOptions
        {
            // A person would rather be "alice_" now than wait for an old connection of theirs to time out.
            Connection = { Nick = nick, ClientName = options.ClientName, NickInUseRetries = 3, LoggerFactory = options.LoggerFactory, Tls = options.Tls },
        };
        options.Login?.ApplyTo(sessionOptions);
        // The same trust as the check above: a key accepted there must be presented on every (re)connection.
        ParleySession session = ParleySession.ForServer(endpoint, sessionOptions, trust);
        await using (session.ConfigureAwait(false))
        {
            var host = new TuiHost(logger);
            var backend = new SessionBackend(session, logger, host.Stop);
            var chatOptions = new ChatOptions
            {
                Bell = config.Bell, TimestampFormat = ValidFormat(config.TimestampFormat), ShowMembers = config.ShowMembers,
                Backlog = Math.Clamp(config.Backlog, 0, ChatModel.MaxBacklog),
            };
            var model = new ChatModel(endpoint.ToString(), nick.Length > 0 ? nick : options.Login?.Account ?? nick, chatOptions, backend, host);
            host.Start(model);
            await host.Ready.ConfigureAwait(false);

            session.Start();
            Task pump = backend.PumpAsync(model, host);
            using var lagStop = new CancellationTokenSource();
            Task lag = backend.MeasureLagAsync(model, host, lagStop.Token);
            using CancellationTokenRegistration onStop = stop.Register(host.Stop);

            await host.Done.ConfigureAwait(false);
            bool closedForGood = session.State == ConnectionState.Closed && !backend.QuitRequested && !stop.IsCancellationRequested;
            await lagStop.CancelAsync().ConfigureAwait(false);
            try
            {
                await session.QuitAsync(backend.QuitMessage).WaitAsync(QuitTimeout, CancellationToken.None).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                await options.Errors.WriteLineAsync("parley chat: the server did not take our goodbye in time").ConfigureAwait(false);
            }

            await Task.WhenAll(pump, lag).WaitAsync(QuitTimeout, CancellationToken.None).ConfigureAwait(false);
            return closedForGood ? 1 : 0;
        }
    }

    /// <summary>
    /// Connects once before the screen opens, so that an unknown server is asked about on the plain console and a
    /// refused one is explained there. False (exit 1) when the server's certificate was refused. An unreachable
    /// server is not an error here: the session keeps trying once the screen is up.
    /// </summary>
    private static async Task<bool> SettleTrustAsync(ServerTrust trust, TextWriter errors, CancellationToken stop)
    {
        if (!trust.Options.Enabled)
        {
            await errors.WriteLineAsync("parley chat: WARNING: --insecure-no-tls: no encryption and no check of the server's identity").ConfigureAwait(false);
            return true;
        }

        // Bounds an unreachable server, not the user: the prompt does not watch the token, and a yes pins before the
        // second connection, so a slow answer costs nothing but that connection (the session makes its own).
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            await ParleyTransport.ProbeAsync(trust, timeout.Token).ConfigureAwait(false);
            if (trust.PinError is { } pinError)
            {
                await errors.WriteLineAsync($"parley chat: could not save the server's fingerprint: {pinError.Message}").ConfigureAwait(false);
            }

            return true;
        }
        catch (ServerTrustException ex)
        {
            await errors.WriteLineAsync($"parley chat: {ex.Message}").ConfigureAwait(false);
            return false;
        }
        catch (Exception ex) when (ex is ParleyConnectionException or OperationCanceledException or System.Net.Sockets.SocketException or IOException)
        {
            return true;
        }
    }

    private static string ValidFormat(string format)
    {
        try
        {
            _ = DateTimeOffset.UnixEpoch.ToString(format, System.Globalization.CultureInfo.InvariantCulture);
            return format;
        }
        catch (FormatException)
        {
            return "HH:mm";
        }
    }
}
