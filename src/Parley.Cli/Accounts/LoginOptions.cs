using System.CommandLine;
using System.Text;
using Parley.Client;
using Spectre.Console;

namespace Parley.Cli.Accounts;

/// <summary>
/// <c>--account NAME [--register] [--invite CODE] [--password-file FILE]</c>, shared by <c>chat</c>, <c>send</c> and
/// <c>passwd</c>. There is deliberately no <c>--password</c>: a command line shows in <c>ps</c> to every user. The
/// password comes from <c>--password-file</c>, else <c>PARLEY_PASSWORD</c>, else a prompt when there is a terminal.
/// </summary>
internal sealed class LoginOptions
{
    /// <summary>The environment variable a script can hand the password in.</summary>
    public const string PasswordVariable = "PARLEY_PASSWORD";

    public Option<string?> Account { get; } = new("--account", "-a") { HelpName = "NAME", Description = "Log in to this account (a saved login is used when there is one)" };

    public Option<bool> Register { get; } = new("--register") { Description = "Create the account first (asks for a new password)" };

    public Option<string?> Invite { get; } = new("--invite") { HelpName = "CODE", Description = "The invite code a server in invite mode needs to --register" };

    public Option<FileInfo?> PasswordFile { get; } = new("--password-file") { HelpName = "FILE", Description = $"Read the password from the first line of FILE (else ${PasswordVariable}, else a prompt)" };

    public void AddTo(Command command)
    {
        command.Options.Add(Account);
        command.Options.Add(Register);
        command.Options.Add(Invite);
        command.Options.Add(PasswordFile);
    }

    /// <summary>
    /// The login to use, or null for a guest. With a saved token and no <c>--register</c> no password is asked for
    /// (one from a file or the environment is still taken, as the fallback if the token has expired).
    /// </summary>
    /// <exception cref="LoginException">No password can be had, or the file can't be read.</exception>
    public AccountLogin? Resolve(ParseResult result, ParleyEndpoint server, TokenStore tokens, bool interactive)
    {
        string? account = result.GetValue(Account);
        if (string.IsNullOrEmpty(account))
        {
            if (result.GetValue(Register) || result.GetValue(Invite) is not null)
            {
                throw new LoginException("--register and --invite need --account NAME");
            }

            return null;
        }

        bool register = result.GetValue(Register);
        string token = register ? string.Empty : tokens.Load(server, account) ?? string.Empty;
        string? password = ReadGiven(result.GetValue(PasswordFile));
        if (password is null && token.Length == 0)
        {
            password = interactive
                ? Prompt(register ? $"New password for {account}:" : $"Password for {account} at {server}:", confirm: register)
                : throw new LoginException($"no password for {account}: use --password-file FILE or ${PasswordVariable} (there is no saved login)");
        }

        return new AccountLogin(account, password ?? string.Empty, register, result.GetValue(Invite) ?? string.Empty, token,
            newToken => Save(tokens, server, account, newToken));
    }

    /// <summary>A password asked for on the terminal, never echoed; with <paramref name="confirm"/>, typed twice.</summary>
    public static string Prompt(string question, bool confirm)
    {
        while (true)
        {
            string password = AnsiConsole.Prompt(new TextPrompt<string>(question).Secret());
            if (!confirm || AnsiConsole.Prompt(new TextPrompt<string>("Again:").Secret()) == password)
            {
                return password;
            }

            AnsiConsole.MarkupLine("[red]The two did not match; once more.[/]");
        }
    }

    /// <summary>The password from <paramref name="file"/> or the environment, or null if neither gives one.</summary>
    public static string? ReadGiven(FileInfo? file)
    {
        if (file is not null)
        {
            try
            {
                using var reader = new StreamReader(file.FullName, new UTF8Encoding(false));
                return reader.ReadLine() ?? string.Empty;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new LoginException($"cannot read the password file: {ex.Message}");
            }
        }

        return Environment.GetEnvironmentVariable(PasswordVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
    }

    private static void Save(TokenStore tokens, ParleyEndpoint server, string account, string? token)
    {
        try
        {
            tokens.Save(server, account, token);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not fatal: the session goes on; the next run asks for the password again.
            Console.Error.WriteLine($"parley: could not save the login to {tokens.Directory}: {ex.Message}");
        }
    }
}

/// <summary>The login options can't be turned into a login; the message is for the user.</summary>
internal sealed class LoginException(string message) : Exception(message);
