using Google.Protobuf;
using Parley.Protocol.Messages;
using Parley.TestUtilities;

namespace Parley.IntegrationTests;

/// <summary>The real <c>parley serve</c> process: signals and what a client sees of them.</summary>
public sealed class ServerProcessTests
{
    [Fact]
    public async Task Sigterm_tells_every_client_the_server_is_shutting_down_then_exits_cleanly()
    {
        await using ServerProcess server = await ServerProcess.StartAsync();
        var clients = new List<WireClient>();
        for (int i = 0; i < 3; i++)
        {
            // Over TLS: the goodbye is flushed through the TLS stream before the server closes it.
            clients.Add(await WireClient.ConnectReadyAsync(server, $"c{i}", "#a"));
        }

        await clients[0].SendAsync(new Say { Room = "#a", Text = "before the signal" });
        foreach (WireClient c in clients)
        {
            await c.ExpectAsync<Delivered>(d => d.Text == "before the signal");
        }

        Task<List<IMessage>>[] endings = [.. clients.Select(c => c.ReadToEndAsync())];
        await server.Process.TerminateAsync();

        foreach (List<IMessage> frames in await Task.WhenAll(endings))
        {
            Goodbye goodbye = Assert.IsType<Goodbye>(frames[^1]);
            Assert.Equal(QuitReason.ServerShuttingDown, goodbye.Reason);
        }

        Assert.Equal(0, await server.Process.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Empty(server.LoggedErrors);
        foreach (WireClient c in clients)
        {
            await c.DisposeAsync();
        }
    }
}
