using System.CommandLine;
using Parley.Client;

namespace Parley.Cli;

/// <summary>
/// <c>parley health HOST[:PORT]</c>: connect, handshake, ping. Prints <c>ok: SERVER at HOST:PORT, rtt 0.4 ms</c>
/// and exits 0, or prints the reason on stderr and exits 1 (for systemd, Docker and monitoring).
/// </summary>
internal static class HealthCommand
{
    public static Command Create()
    {
        Argument<ParleyEndpoint> server = CommonOptions.Server();
        Option<double> timeout = CommonOptions.Timeout(5);
        var tls = new TlsFlags();
        var command = new Command("health", "Check that a server accepts a connection and answers a ping; exit 0 or 1") { server, timeout };
        tls.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            ParleyEndpoint endpoint = result.GetValue(server);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(TimeSpan.FromSeconds(result.GetValue(timeout)));
            try
            {
                var options = new ParleyConnectionOptions { ClientName = CommonOptions.ClientName + " health", Tls = tls.Read(result) };
                ParleyConnection connection = await ParleyConnection.ConnectAsync(endpoint, options, deadline.Token).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    TimeSpan rtt = await connection.PingAsync(deadline.Token).ConfigureAwait(false);
                    string name = Words.Safe(connection.Welcome.ServerName);
                    await Console.Out.WriteLineAsync(string.Create(
                        System.Globalization.CultureInfo.InvariantCulture,
                        $"ok: {(name.Length > 0 ? name : "parley")} at {endpoint}, rtt {rtt.TotalMilliseconds:0.###} ms")).ConfigureAwait(false);
                    return 0;
                }
            }
            catch (Exception ex) when (Failure.Describe(ex, deadline, cancellationToken) is { } reason)
            {
                await Console.Error.WriteLineAsync($"unhealthy: {endpoint}: {reason}").ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }
}
