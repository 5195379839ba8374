using System.CommandLine;
using System.Globalization;
using Parley.Client;
using Parley.Server.Moderation;
using Parley.Server.Storage;
using Parley.Storage.Sqlite;

namespace Parley.Cli;

/// <summary>
/// <c>parley admin ban add|del|list</c>: server-wide bans in a data directory, as an administrator's
/// <c>Ban</c> with an empty room makes them. Each change is noted for a running server too
/// (<see cref="AdminChange"/>), which applies it within seconds.
/// </summary>
internal static class AdminBanCommand
{
    /// <summary>Who the ban list names for bans made here.</summary>
    private const string By = "console";

    public static Command Create(Func<Option<string>> data)
    {
        var command = new Command("ban", "Server-wide bans by account or address (a running server applies them within seconds)");
        command.Subcommands.Add(Add(data()));
        command.Subcommands.Add(Delete(data()));
        command.Subcommands.Add(List(data()));
        return command;
    }

    private static Argument<string> Mask() => new("mask")
    {
        HelpName = "MASK",
        Description = "account:NAME, or address:IP or address:IP/PREFIX (CIDR), as 'parley admin ban list' shows them",
    };

    private static Command Add(Option<string> data)
    {
        Argument<string> mask = Mask();
        var duration = new Option<string?>("--duration") { HelpName = "DURATION", Description = "How long: 90s, 10m, 2h, 7d, 2w (default: until deleted)" };
        var reason = new Option<string?>("--reason") { HelpName = "TEXT", Description = "Shown to the banned client and in the ban list" };
        var command = new Command("add", "Ban an account or an address range from the whole server") { mask, duration, reason, data };
        command.SetAction(result => Run("add", () =>
        {
            BanMask parsed = Parse(result.GetValue(mask)!);
            TimeSpan length = TimeSpan.Zero;
            if (result.GetValue(duration) is { } text && !Durations.TryParse(text, out length))
            {
                throw new AdminException($"not a duration: {Words.Safe(text)} (90s, 10m, 2h, 7d, 2w; at most {Durations.Max.TotalDays:0} days)");
            }

            long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            string why = Words.Safe(result.GetValue(reason) ?? string.Empty);
            using SqliteChatStore store = Open(result.GetValue(data)!, create: true);
            store.SaveBan(new Restriction(Restriction.ServerScope, parsed.Text, By, why, now, length > TimeSpan.Zero ? now + (long)length.TotalMilliseconds : 0));
            store.NoteAdminChange(AdminChange.Ban, parsed.Text, now);
            string until = length > TimeSpan.Zero ? $" for {Durations.Format(length)}" : string.Empty;
            Console.Out.WriteLine($"banned {parsed.Text} from the server{until}; a running server disconnects whoever it matches within seconds");
        }));
        return command;
    }

    private static Command Delete(Option<string> data)
    {
        Argument<string> mask = Mask();
        var command = new Command("del", "Lift a server-wide ban") { mask, data };
        command.SetAction(result => Run("del", () =>
        {
            BanMask parsed = Parse(result.GetValue(mask)!);
            using SqliteChatStore store = Open(result.GetValue(data)!, create: false);
            if (!store.DeleteBan(Restriction.ServerScope, parsed.Text))
            {
                throw new AdminException($"no server ban of {parsed.Text}");
            }

            store.NoteAdminChange(AdminChange.Ban, parsed.Text, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            Console.Out.WriteLine($"lifted the ban of {parsed.Text}; a running server applies it within seconds");
        }));
        return command;
    }

    private static Command List(Option<string> data)
    {
        var command = new Command("list", "List the server-wide bans in force, oldest first") { data };
        command.SetAction(result => Run("list", () =>
        {
            using SqliteChatStore store = Open(result.GetValue(data)!, create: false);
            foreach (Restriction ban in store.LoadBans(Restriction.ServerScope, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()))
            {
                string until = ban.ExpiresMs > 0 ? Time(ban.ExpiresMs) : "never";
                Console.Out.WriteLine($"{ban.Mask}\tby {Words.Safe(ban.By)}\tsince {Time(ban.CreatedMs)}\tuntil {until}\t{Words.Safe(ban.Reason)}");
            }
        }));
        return command;
    }

    private static int Run(string verb, Action action)
    {
        try
        {
            action();
            return 0;
        }
        catch (AdminException ex)
        {
            Console.Error.WriteLine($"parley admin ban {verb}: {ex.Message}");
            return 1;
        }
        catch (Exception ex) when (ex is StoreUnavailableException or UnsupportedSchemaVersionException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"parley admin ban {verb}: {ex.Message}");
            return 1;
        }
    }

    private static BanMask Parse(string text) =>
        BanMask.TryParse(text, out BanMask? mask, out string error) ? mask : throw new AdminException(error);

    private static SqliteChatStore Open(string dataDirectory, bool create)
    {
        if (!Directory.Exists(dataDirectory))
        {
            throw new AdminException($"no data directory {dataDirectory}");
        }

        if (!create && !File.Exists(Path.Combine(dataDirectory, SqliteChatStore.FileName)))
        {
            throw new AdminException($"no database in {dataDirectory} ({SqliteChatStore.FileName} is missing): is it a server's data directory?");
        }

        // Read-write: WAL lets a running server go on meanwhile; the busy timeout covers its commits.
        var store = SqliteChatStore.InDataDirectory(dataDirectory);
        try
        {
            store.Open();
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    private static string Time(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private sealed class AdminException(string message) : Exception(message);
}
