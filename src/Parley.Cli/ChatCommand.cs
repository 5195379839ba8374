using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text;
using Parley.Cli.Accounts;
using Parley.Cli.Plain;
using Parley.Client;
using Parley.Tui;

namespace Parley.Cli;

/// <summary><c>parley chat HOST[:PORT] [--plain] [--name NICK]</c>: the full-screen client (issue 3), or line in, line out with <c>--plain</c>.</summary>
internal static class ChatCommand
{
    public static Command Create()
    {
        Argument<ParleyEndpoint> server = CommonOptions.Server();
        Option<string> name = CommonOptions.Name("Nickname to ask for (default: the server assigns a guest name)");
        var plain = new Option<bool>("--plain")
        {
            Description = "Line in, line out: events on stdout one per line, commands from stdin (for scripts, bots and dumb terminals)",
        };

        var tls = new TlsFlags();
        var command = new Command("chat", "Chat on a Parley server") { server, name, plain };
        tls.AddTo(command);
        var login = new LoginOptions();
        login.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            // The full screen needs a terminal on both sides; piped, chat falls back to plain mode.
            bool terminal = !Console.IsInputRedirected && !Console.IsOutputRedirected;
            AccountLogin? account;
            try
            {
                account = login.Resolve(result, result.GetValue(server), TokenStore.Default(), interactive: !Console.IsInputRedirected);
            }
            catch (LoginException ex)
            {
                await Console.Error.WriteLineAsync($"parley chat: {ex.Message}").ConfigureAwait(false);
                return 1;
            }

            if (!result.GetValue(plain) && !terminal)
            {
                await Console.Error.WriteLineAsync("parley chat: not a terminal; running in plain mode (--plain).").ConfigureAwait(false);
            }

            Console.OutputEncoding = new UTF8Encoding(false);
            // Ctrl+C and SIGTERM quit like /quit (Goodbye, then exit 0). System.CommandLine 2.0 only turns
            // them into cancellation when given an InvocationConfiguration, and doing that for every command
            // would race `serve`'s own graceful shutdown, so chat registers for them itself.
            using var quit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
            using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
            if (!result.GetValue(plain) && terminal)
            {
                var options = new ChatAppOptions
                {
                    Endpoint = result.GetValue(server),
                    Nick = result.GetValue(name) ?? string.Empty,
                    ClientName = CommonOptions.ClientName,
                    // An unknown server is asked about before the screen opens.
                    Tls = tls.Read(result),
                    Login = account,
                };
                return await ChatApp.RunAsync(options, quit.Token).ConfigureAwait(false);
            }

            using var stdin = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false));
            // Plain mode never asks: an unknown server is refused unless --trust or --trust-on-first-use is given.
            return await PlainChat.RunAsync(result.GetValue(server), result.GetValue(name) ?? string.Empty, tls.Read(result), account, stdin, Console.Out, quit.Token)
                .ConfigureAwait(false);

            void OnSignal(PosixSignalContext context)
            {
                context.Cancel = true;
                quit.Cancel();
            }
        });
        return command;
    }
}
