using System.CommandLine;
using Parley.Client;
using Parley.Protocol;

namespace Parley.Cli;

/// <summary>
/// <c>parley trust</c>: the pinned servers (<c>known_servers</c>), one <c>host:port SHA256:...</c> per line;
/// <c>parley trust --forget HOST[:PORT]</c> removes a pin, after its operator has confirmed a new key.
/// </summary>
internal static class TrustCommand
{
    public static Command Create()
    {
        var forget = new Option<string?>("--forget")
        {
            HelpName = "HOST[:PORT]",
            Description = "Forget the pinned fingerprint of this server (after its operator confirmed its new one); the next connection asks or needs --trust",
        };
        var command = new Command("trust", "List the servers whose fingerprints this client has pinned, or forget one") { forget };
        command.SetAction(result =>
        {
            KnownServers store = KnownServers.Default();
            try
            {
                if (result.GetValue(forget) is { } text)
                {
                    if (!ParleyEndpoint.TryParse(text, ProtocolConstants.DefaultPort, out ParleyEndpoint endpoint, out string? error))
                    {
                        Console.Error.WriteLine($"parley trust: {error}");
                        return 1;
                    }

                    string server = KnownServers.KeyFor(endpoint);
                    int removed = store.Forget(server);
                    Console.Out.WriteLine(removed > 0 ? $"forgot {server} ({store.Path})" : $"{server} was not pinned in {store.Path}");
                    return removed > 0 ? 0 : 1;
                }

                foreach (KnownServer known in store.List())
                {
                    Console.Out.WriteLine($"{known.Server} {known.Fingerprint}");
                }

                return 0;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"parley trust: {store.Path}: {ex.Message}");
                return 1;
            }
        });
        return command;
    }
}
