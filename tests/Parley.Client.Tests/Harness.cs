using Parley.Protocol.Messages;

namespace Parley.Client.Tests;

/// <summary>A handshaken client connection and the fake server at its other end.</summary>
internal sealed class Harness(ParleyConnection connection, FakeServer server) : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public ParleyConnection Connection { get; } = connection;

    public FakeServer Server { get; } = server;

    public static async Task<Harness> ConnectAsync(ParleyConnectionOptions? options = null, ServerLimits? limits = null)
    {
        var server = new FakeServer();
        Task<ParleyConnection> connecting = ParleyConnection.ConnectAsync(server.ClientSide, options ?? new ParleyConnectionOptions { Nick = "alice" });
        await server.AcceptHelloAsync(limits: limits);
        return new Harness(await connecting.WaitAsync(Timeout), server);
    }

    /// <summary>Closes as a real server would: the client says goodbye, the server hangs up.</summary>
    public async ValueTask DisposeAsync()
    {
        Task closing = Connection.CloseAsync();
        await Server.HangUpAfterClientAsync();
        await closing.WaitAsync(Timeout);
    }
}
