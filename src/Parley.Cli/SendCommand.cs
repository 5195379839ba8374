using System.CommandLine;
using Parley.Cli.Accounts;
using Parley.Client;
using Parley.Protocol.Messages;

namespace Parley.Cli;

/// <summary>
/// <c>parley send HOST[:PORT] ROOM TEXT [--name NICK]</c>: connect, join, say, leave. Exit code 0 only
/// when the server acknowledged the message (its <c>Sent</c> reply arrived); 1 otherwise, with the reason
/// on stderr. Usage errors also exit 1 (System.CommandLine's convention).
/// </summary>
internal static class SendCommand
{
    public static Command Create()
    {
        Argument<ParleyEndpoint> server = CommonOptions.Server();
        var room = new Argument<string>("room") { HelpName = "ROOM", Description = "The room, e.g. '#general' (quote the #)" };
        var text = new Argument<string>("text") { HelpName = "TEXT", Description = "The message" };
        Option<string> name = CommonOptions.Name("Nickname to send as (default: a guest name; name_ if taken)");
        var action = new Option<bool>("--action") { Description = "Send as an action, like /me" };
        Option<double> timeout = CommonOptions.Timeout(10);
        var tls = new TlsFlags();

        var command = new Command("send", "Send one message to a room and exit; exit code 0 only when the server acknowledged it")
        {
            server, room, text, name, action, timeout,
        };
        tls.AddTo(command);
        var login = new LoginOptions();
        login.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            ParleyEndpoint endpoint = result.GetValue(server);
            string target = result.GetValue(room)!;
            AccountLogin? account;
            try
            {
                account = login.Resolve(result, endpoint, TokenStore.Default(), interactive: !Console.IsInputRedirected);
            }
            catch (LoginException ex)
            {
                await Console.Error.WriteLineAsync($"parley send: not sent: {ex.Message}").ConfigureAwait(false);
                return 1;
            }

            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(TimeSpan.FromSeconds(result.GetValue(timeout)));
            try
            {
                var options = new ParleyConnectionOptions
                {
                    Nick = result.GetValue(name) ?? string.Empty,
                    ClientName = CommonOptions.ClientName,
                    // Bots sending concurrently under one name should all get through.
                    NickInUseRetries = 5,
                    // Non-interactive: an unknown server is refused unless --trust or --trust-on-first-use says otherwise.
                    Tls = tls.Read(result),
                };
                account?.ApplyTo(options);
                ParleyConnection connection = await ConnectAsync(endpoint, options, account, deadline.Token).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    Joined joined = await connection.JoinAsync(target, deadline.Token).ConfigureAwait(false);
                    Sent sent = await connection.SayAsync(joined.Room, result.GetValue(text)!, result.GetValue(action), deadline.Token)
                        .ConfigureAwait(false);
                    await Console.Out.WriteLineAsync($"sent to {Words.Safe(joined.Room)} (seq {sent.Seq})").ConfigureAwait(false);
                    return 0;
                }
            }
            catch (Exception ex) when (Failure.Describe(ex, deadline, cancellationToken) is { } reason)
            {
                await Console.Error.WriteLineAsync($"parley send: not sent: {reason}").ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    /// <summary>Connects; a saved login that no longer works is forgotten, and the password used instead if there is one.</summary>
    private static async Task<ParleyConnection> ConnectAsync(ParleyEndpoint endpoint, ParleyConnectionOptions options, AccountLogin? account, CancellationToken cancellationToken)
    {
        ParleyConnection connection;
        try
        {
            connection = await ParleyConnection.ConnectAsync(endpoint, options, cancellationToken).ConfigureAwait(false);
        }
        catch (ParleyRequestException ex) when (ex.Code == Protocol.Messages.ErrorCode.AuthFailed && options.ResumeToken.Length > 0)
        {
            account!.ResumeTokenChanged?.Invoke(null);
            if (options.Password.Length == 0)
            {
                throw new ParleyRequestException(ex.Code, "the saved login has expired; give the password (--password-file or PARLEY_PASSWORD)");
            }

            options.ResumeToken = string.Empty;
            connection = await ParleyConnection.ConnectAsync(endpoint, options, cancellationToken).ConfigureAwait(false);
        }

        if (connection.Welcome.ResumeToken.Length > 0)
        {
            account?.ResumeTokenChanged?.Invoke(connection.Welcome.ResumeToken);
        }

        return connection;
    }
}
