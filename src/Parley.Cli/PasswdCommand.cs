using System.CommandLine;
using Parley.Cli.Accounts;
using Parley.Client;
using Parley.Server.Accounts;

namespace Parley.Cli;

/// <summary>
/// <c>parley passwd HOST[:PORT] --account NAME</c>: changes the account's password on the server (ChangePassword).
/// The current password comes as for <c>chat</c> (<c>--password-file</c>, <c>PARLEY_PASSWORD</c>, or a prompt); the
/// new one from <c>PARLEY_NEW_PASSWORD</c> or a prompt typed twice. Every saved login of the account is revoked,
/// the local one is forgotten. Exit 0 when changed, 1 otherwise.
/// </summary>
internal static class PasswdCommand
{
    public const string NewPasswordVariable = "PARLEY_NEW_PASSWORD";

    public static Command Create()
    {
        Argument<ParleyEndpoint> server = CommonOptions.Server();
        var account = new Option<string>("--account", "-a") { HelpName = "NAME", Description = "The account", Required = true };
        var passwordFile = new Option<FileInfo?>("--password-file") { HelpName = "FILE", Description = $"Read the current password from the first line of FILE (else ${LoginOptions.PasswordVariable}, else a prompt)" };
        Option<double> timeout = CommonOptions.Timeout(30);
        var tls = new TlsFlags();
        var command = new Command("passwd", "Change an account's password on a server") { server, account, passwordFile, timeout };
        tls.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            ParleyEndpoint endpoint = result.GetValue(server);
            string name = result.GetValue(account)!;
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            try
            {
                bool interactive = !Console.IsInputRedirected;
                string old = LoginOptions.ReadGiven(result.GetValue(passwordFile))
                    ?? (interactive ? LoginOptions.Prompt($"Current password for {name} at {endpoint}:", confirm: false)
                        : throw new LoginException($"no current password: use --password-file FILE or ${LoginOptions.PasswordVariable}"));
                string fresh = Environment.GetEnvironmentVariable(NewPasswordVariable) is { Length: > 0 } given ? given
                    : interactive ? LoginOptions.Prompt("New password:", confirm: true)
                    : throw new LoginException($"no new password: set ${NewPasswordVariable}");
                if (!PasswordRules.IsAcceptable(fresh))
                {
                    throw new LoginException(PasswordRules.Description);
                }

                deadline.CancelAfter(TimeSpan.FromSeconds(result.GetValue(timeout)));
                var options = new ParleyConnectionOptions { ClientName = CommonOptions.ClientName, NickInUseRetries = 5, Nick = name, Tls = tls.Read(result) };
                new AccountLogin(name, old).ApplyTo(options);
                ParleyConnection connection = await ParleyConnection.ConnectAsync(endpoint, options, deadline.Token).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    await connection.ChangePasswordAsync(old, fresh, deadline.Token).ConfigureAwait(false);
                }

                TokenStore.Default().Save(endpoint, name, null);
                await Console.Out.WriteLineAsync($"password of {name} changed; its saved logins are revoked").ConfigureAwait(false);
                return 0;
            }
            catch (LoginException ex)
            {
                await Console.Error.WriteLineAsync($"parley passwd: {ex.Message}").ConfigureAwait(false);
                return 1;
            }
            catch (Exception ex) when (Failure.Describe(ex, deadline, cancellationToken) is { } reason)
            {
                await Console.Error.WriteLineAsync($"parley passwd: not changed: {reason}").ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }
}
