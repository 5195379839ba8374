using System.CommandLine;
using System.Globalization;
using Parley.Cli.Accounts;
using Parley.Protocol;
using Parley.Server.Accounts;
using Parley.Server.Storage;
using Parley.Storage.Sqlite;

namespace Parley.Cli;

/// <summary>
/// <c>parley admin user add|del|reset|set|list</c> and <c>parley admin invite create</c>, on the data directory's
/// database. SQLite in WAL mode lets them run while the server does: the server reads accounts from the
/// database at every login, and the changes that concern sessions already logged in (deleted, reset, admin)
/// are noted for it (<see cref="AdminChange"/>) and applied within seconds. Passwords are asked for
/// with a hidden prompt, or read from the first line of standard input when it is not a terminal.
/// </summary>
internal static partial class AdminCommand
{
    private static Command User()
    {
        var command = new Command("user", "Manage accounts: add, del, reset, set, list");
        command.Subcommands.Add(UserAdd());
        command.Subcommands.Add(UserDelete());
        command.Subcommands.Add(UserReset());
        command.Subcommands.Add(UserSet());
        command.Subcommands.Add(UserList());
        return command;
    }

    private static Argument<string> AccountName() => new("name") { HelpName = "NAME", Description = "The account name" };

    private static Command UserAdd()
    {
        Argument<string> name = AccountName();
        Option<string> data = Data();
        var admin = new Option<bool>("--admin") { Description = "Make the account a server administrator" };
        var command = new Command("add", "Create an account (asks for its password)") { name, data, admin };
        command.SetAction(result => Run("user add", result.GetValue(data)!, create: true, store =>
        {
            (string display, string key) = ValidName(result.GetValue(name)!);
            string password = ReadNewPassword($"Password for {display}:");
            var account = new AccountRecord(key, display, new PasswordHasher().Hash(password), result.GetValue(admin), Now);
            if (store.CreateAccount(account) == CreateAccountResult.Exists)
            {
                throw new AdminException($"the account {display} exists");
            }

            Console.Out.WriteLine($"added account {display}{(account.Admin ? " (server administrator)" : "")}");
        }));
        return command;
    }

    private static Command UserDelete()
    {
        Argument<string> name = AccountName();
        Option<string> data = Data();
        var command = new Command("del", "Delete an account and its saved logins; a running server disconnects its sessions") { name, data };
        command.SetAction(result => Run("user del", result.GetValue(data)!, create: false, store =>
        {
            (string display, string key) = ValidName(result.GetValue(name)!);
            if (!store.DeleteAccount(key))
            {
                throw new AdminException($"no account {display}");
            }

            store.NoteAdminChange(AdminChange.Account, key, Now);
            Console.Out.WriteLine($"deleted account {display}");
        }));
        return command;
    }

    private static Command UserReset()
    {
        Argument<string> name = AccountName();
        Option<string> data = Data();
        var command = new Command("reset", "Set a new password (asks for it); every resume token of the account is revoked and its sessions are disconnected") { name, data };
        command.SetAction(result => Run("user reset", result.GetValue(data)!, create: false, store =>
        {
            (string display, string key) = ValidName(result.GetValue(name)!);
            if (store.FindAccount(key) is null)
            {
                throw new AdminException($"no account {display}");
            }

            string password = ReadNewPassword($"New password for {display}:");
            store.SetPasswordHash(key, new PasswordHasher().Hash(password), revokeTokens: true);
            store.NoteAdminChange(AdminChange.Logout, key, Now);
            Console.Out.WriteLine($"password of {display} reset; its saved logins are revoked and a running server disconnects its sessions");
        }));
        return command;
    }

    private static Command UserSet()
    {
        Argument<string> name = AccountName();
        Option<string> data = Data();
        var admin = new Option<bool>("--admin") { HelpName = "true|false", Description = "Make (true) or unmake (false) the account a server administrator", Required = true };
        var command = new Command("set", "Change an account: --admin true|false (a running server applies it within seconds)") { name, data, admin };
        command.SetAction(result => Run("user set", result.GetValue(data)!, create: false, store =>
        {
            (string display, string key) = ValidName(result.GetValue(name)!);
            bool makeAdmin = result.GetValue(admin);
            if (!store.SetAdmin(key, makeAdmin))
            {
                throw new AdminException($"no account {display}");
            }

            store.NoteAdminChange(AdminChange.Account, key, Now);
            Console.Out.WriteLine(makeAdmin ? $"{display} is a server administrator" : $"{display} is not a server administrator");
        }));
        return command;
    }

    private static Command UserList()
    {
        Option<string> data = Data();
        var command = new Command("list", "List the accounts: name, admin or user, created (UTC), hash parameters") { data };
        command.SetAction(result => Run("user list", result.GetValue(data)!, create: false, store =>
        {
            foreach (AccountRecord account in store.ListAccounts())
            {
                string created = DateTimeOffset.FromUnixTimeMilliseconds(account.CreatedMs).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
                string hash = PasswordHasher.TryReadParameters(account.PasswordHash, out int m, out int t, out int p)
                    ? string.Create(CultureInfo.InvariantCulture, $"argon2id m={m},t={t},p={p}")
                    : "unreadable hash";
                Console.Out.WriteLine($"{Words.Safe(account.Name),-32} {(account.Admin ? "admin" : "user"),-5} {created}  {hash}");
            }
        }));
        return command;
    }

    private static Command InviteCommand()
    {
        Option<string> data = Data();
        var create = new Command("create", "Make a single-use invite code for registering on a server in invite mode; prints it") { data };
        create.SetAction(result => Run("invite create", result.GetValue(data)!, create: true, store =>
        {
            string code = Secrets.NewInviteCode();
            store.AddInvite(new InviteRecord(Secrets.Hash(code), "parley admin", Now));
            Console.Out.WriteLine(code);
        }));
        var command = new Command("invite", "Invite codes");
        command.Subcommands.Add(create);
        return command;
    }

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>Opens the data directory's store (migrating it, like the server would), runs <paramref name="work"/>, and maps failures to exit 1.</summary>
    private static int Run(string what, string dataDirectory, bool create, Action<SqliteChatStore> work)
    {
        try
        {
            if (!create && !File.Exists(Path.Combine(dataDirectory, SqliteChatStore.FileName)))
            {
                throw new AdminException($"no database in {dataDirectory} ({SqliteChatStore.FileName} is missing): is it a server's data directory?");
            }

            Directory.CreateDirectory(dataDirectory);
            using var store = SqliteChatStore.InDataDirectory(dataDirectory);
            store.Open();
            work(store);
            return 0;
        }
        catch (Exception ex) when (ex is AdminException or LoginException or StoreUnavailableException or UnsupportedSchemaVersionException
            or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"parley admin {what}: {ex.Message}");
            return 1;
        }
    }

    private static (string Display, string Key) ValidName(string name) =>
        ContentRules.TryValidateNick(name, out string display, out string key, out string error)
            ? (display, key)
            : throw new AdminException($"{Words.Safe(name)} is not a valid account name: {error}");

    /// <summary>A hidden prompt typed twice on a terminal; otherwise the first line of standard input.</summary>
    private static string ReadNewPassword(string question)
    {
        string password = Console.IsInputRedirected
            ? Console.In.ReadLine() ?? throw new AdminException("no password on standard input")
            : LoginOptions.Prompt(question, confirm: true);
        return PasswordRules.IsAcceptable(password)
            ? password
            : throw new AdminException(PasswordRules.Description);
    }

    private sealed class AdminException(string message) : Exception(message);
}
