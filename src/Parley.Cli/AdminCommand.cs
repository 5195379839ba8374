using System.CommandLine;
using Parley.Protocol;
using Parley.Server.Hosting;
using Parley.Server.Storage;
using Parley.Server.Tls;
using Parley.Storage.Sqlite;

namespace Parley.Cli;

/// <summary>
/// <c>parley admin</c>: work on a server's data directory directly, without a connection. Subcommands:
/// <c>export</c>, <c>fingerprint</c>, <c>user add|del|reset|set|list</c> and <c>invite create</c> (AdminCommand.Accounts.cs),
/// <c>ban add|del|list</c> (<see cref="AdminBanCommand"/>).
/// </summary>
internal static partial class AdminCommand
{
    public static Command Create()
    {
        var command = new Command("admin", "Work on a server's data directory (safe while the server runs)");
        command.Subcommands.Add(Export());
        command.Subcommands.Add(Fingerprint());
        command.Subcommands.Add(User());
        command.Subcommands.Add(InviteCommand());
        command.Subcommands.Add(AdminBanCommand.Create(Data));
        return command;
    }

    /// <summary>
    /// <c>parley admin fingerprint [--data DIR] [--tls-cert FILE]</c>: the server's TLS fingerprint, alone on one
    /// line (what the banner printed and clients pin). Exit 1 with one line on stderr when there is no certificate.
    /// </summary>
    private static Command Fingerprint()
    {
        Option<string> data = Data();
        var certificate = new Option<string?>("--tls-cert")
        {
            HelpName = "FILE",
            Description = "The certificate given to parley serve --tls-cert, instead of the self-signed one in the data directory",
        };
        var command = new Command("fingerprint", "Print the server's TLS fingerprint (SHA256:...), for users to compare with what their client shows")
        {
            data, certificate,
        };
        command.SetAction(result =>
        {
            string file = result.GetValue(certificate)
                ?? Path.Combine(ServerTlsOptions.SelfSignedDirectory(result.GetValue(data)!), ServerTlsOptions.SelfSignedCertificateName);
            if (result.GetValue(certificate) is null && !File.Exists(file))
            {
                Console.Error.WriteLine($"parley admin fingerprint: no certificate yet: {file} is made on the server's first start (with TLS on)");
                return 1;
            }

            try
            {
                Console.Out.WriteLine(ServerCertificate.FingerprintOfFile(file));
                return 0;
            }
            catch (InvalidDataException ex)
            {
                Console.Error.WriteLine($"parley admin fingerprint: {ex.Message}");
                return 1;
            }
        });
        return command;
    }

    /// <summary>The same option, with the same default, as <c>parley serve --data</c>.</summary>
    internal static Option<string> Data() => new("--data")
    {
        HelpName = "DIR",
        Description = "The server's data directory, as given to parley serve",
        DefaultValueFactory = _ => ParleyServerHost.DefaultDataDirectory(),
    };

    /// <summary>
    /// <c>parley admin export ROOM [--data DIR] [--output FILE]</c>: the room's stored history as JSON Lines
    /// (<see cref="RoomExport"/>). Exit 0, also for a known room with no messages (nothing is written);
    /// exit 1 with one line on stderr for a missing directory, database or room.
    /// </summary>
    private static Command Export()
    {
        var room = new Argument<string>("room")
        {
            HelpName = "ROOM",
            Description = "The room: '#general' (quoted: the shell reads an unquoted # as a comment) or general",
        };
        Option<string> data = Data();
        var output = new Option<string?>("--output", "-o") { HelpName = "FILE", Description = "Write to FILE (replaced) instead of standard output" };
        var command = new Command("export", "Write a room's history as JSON Lines, one message per line, oldest first") { room, data, output };
        command.SetAction((result, cancellationToken) =>
        {
            try
            {
                return Task.FromResult(RunExport(result.GetValue(room)!, result.GetValue(data)!, result.GetValue(output), cancellationToken));
            }
            catch (ExportException ex)
            {
                Console.Error.WriteLine($"parley admin export: {ex.Message}");
                return Task.FromResult(1);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Console.Error.WriteLine("parley admin export: interrupted");
                return Task.FromResult(130);
            }
        });
        return command;
    }

    private static int RunExport(string roomName, string dataDirectory, string? outputPath, CancellationToken cancellationToken)
    {
        string name = roomName.StartsWith('#') ? roomName : "#" + roomName;
        if (!ContentRules.TryValidateRoom(name, out _, out string key, out string error))
        {
            throw new ExportException($"{Words.Safe(roomName)} is not a room name: {error}");
        }

        if (!Directory.Exists(dataDirectory))
        {
            throw new ExportException($"no data directory {dataDirectory}");
        }

        if (!File.Exists(Path.Combine(dataDirectory, SqliteChatStore.FileName)))
        {
            throw new ExportException($"no database in {dataDirectory} ({SqliteChatStore.FileName} is missing): is it a server's data directory?");
        }

        // Read-only: nothing is migrated or written, and WAL lets a running server go on writing meanwhile.
        using var store = SqliteChatStore.InDataDirectory(dataDirectory, new SqliteStoreOptions { ReadOnly = true });
        try
        {
            store.Open();
            if (!store.LoadRooms().Any(r => r.Key == key) && store.LastSeq(key) == 0)
            {
                throw new ExportException($"no room {name} in {dataDirectory}");
            }

            if (outputPath is null)
            {
                using var stdout = new BufferedStream(Console.OpenStandardOutput(), 64 * 1024);
                RoomExport.Write(store.ReadAll(key), stdout, cancellationToken);
                return 0;
            }

            long count = WriteFile(store, key, outputPath, cancellationToken);
            Console.Out.WriteLine($"exported {count} messages of {name} to {outputPath}");
            return 0;
        }
        catch (Exception ex) when (ex is StoreUnavailableException or UnsupportedSchemaVersionException or IOException or UnauthorizedAccessException)
        {
            throw new ExportException(ex.Message, ex);
        }
    }

    private static long WriteFile(SqliteChatStore store, string key, string outputPath, CancellationToken cancellationToken)
    {
        var file = new FileStream(outputPath, FileMode.Create, FileAccess.Write, FileShare.Read, 64 * 1024);
        bool complete = false;
        try
        {
            long count = RoomExport.Write(store.ReadAll(key), file, cancellationToken);
            file.Flush(flushToDisk: true);
            complete = true;
            return count;
        }
        finally
        {
            file.Dispose();
            if (!complete)
            {
                // Half an export looks like a whole one to whoever reads it next.
                File.Delete(outputPath);
            }
        }
    }

    private sealed class ExportException(string message, Exception? inner = null) : Exception(message, inner);
}
