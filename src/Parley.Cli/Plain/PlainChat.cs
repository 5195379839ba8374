using Parley.Client;

namespace Parley.Cli.Plain;

/// <summary>
/// Plain mode: one task reads commands from stdin while another prints events the moment they arrive,
/// so nothing waits for a half-typed line. End of input is <c>/quit</c>.
/// </summary>
internal sealed partial class PlainChat
{
    private readonly ParleySession _session;
    private readonly ChatOutput _output;

    private PlainChat(ParleySession session, ChatOutput output)
    {
        _session = session;
        _output = output;
    }

    /// <summary>Runs until the user quits (exit code 0) or the session stops for good by itself (1).</summary>
    public static async Task<int> RunAsync(
        ParleyEndpoint endpoint, string nick, ClientTlsOptions tls, AccountLogin? login, TextReader input, TextWriter output, CancellationToken cancellationToken)
    {
        var options = new ParleySessionOptions
        {
            // A human would rather be "alice_" now than wait for an old connection of theirs to time out.
            Connection = { Nick = nick, ClientName = CommonOptions.ClientName, NickInUseRetries = 3, Tls = tls },
        };
        login?.ApplyTo(options);
        ParleySession session = ParleySession.ForServer(endpoint, options);
        await using (session.ConfigureAwait(false))
        {
            var chat = new PlainChat(session, new ChatOutput(output));
            session.Start();
            Task printing = chat.PrintEventsAsync();
            // Its own task: reading a console stream can block a thread, and must never hold up printing.
            Task<string?> reading = Task.Run(() => chat.ReadCommandsAsync(input, cancellationToken), CancellationToken.None);
            // Ctrl+C: a console read may not notice the cancellation until the next line, so race it too.
            var interrupted = new TaskCompletionSource();
            using CancellationTokenRegistration registration = cancellationToken.Register(() => interrupted.TrySetResult());
            Task first = await Task.WhenAny(printing, reading, interrupted.Task).ConfigureAwait(false);
            if (first != printing)
            {
                string? quitMessage = reading.IsCompletedSuccessfully ? reading.Result : null;
                await session.QuitAsync(quitMessage).ConfigureAwait(false);
                await printing.ConfigureAwait(false);
                return 0;
            }

            // The session stopped by itself: the server refused us for good. The reader is left blocked on
            // stdin; the process exits under it.
            await printing.ConfigureAwait(false);
            return 1;
        }
    }

    private async Task PrintEventsAsync()
    {
        await foreach (ParleyEvent e in _session.Events.ReadAllAsync().ConfigureAwait(false))
        {
            _output.Lines(PlainFormat.Lines(e, _session.Nick));
        }
    }

    /// <summary>Handles lines until /quit or end of input; returns the quit message, if any.</summary>
    private async Task<string?> ReadCommandsAsync(TextReader input, CancellationToken cancellationToken)
    {
        try
        {
            while (await input.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                if (await HandleAsync(line.TrimEnd('\r'), cancellationToken).ConfigureAwait(false) is { } quit)
                {
                    return quit.Message;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C: quit like /quit.
        }

        return null;
    }
}
