using System.Net;
using System.Net.Sockets;
using Parley.TestUtilities;

namespace Parley.IntegrationTests;

/// <summary><c>parley send</c> and <c>parley health</c> against a real server, and against a port nobody listens on.</summary>
public sealed class OneShotCommandTests
{
    /// <summary>A deadline for the commands that must succeed: a fresh process\'s first TLS handshake on a loaded two-core machine can take seconds.</summary>
    private const string SlowMachine = "30";

    [Fact]
    public async Task Send_exits_0_once_acknowledged_and_the_room_receives_the_message()
    {
        await using ServerProcess server = await ServerProcess.StartAsync();
        await using ChatProcess watcher = await ChatProcess.StartAsync(server, "watcher");
        await watcher.JoinAsync("#news");

        await using ParleyProcess send = ParleyProcess.Start(["send", server.Address, "#news", "deploy finished", "--name", "bot", "--timeout", SlowMachine, .. server.ClientArgs]);

        Assert.True(await send.WaitForExitAsync() == 0, send.Explain("send did not exit 0"));
        Assert.Matches(@"^sent to #news \(seq \d+\)$", Assert.Single(send.Lines));
        await watcher.WaitForLineAsync(l => l == "[#news] <bot> deploy finished", reason: "with the bot's message");
        Assert.Empty(server.LoggedErrors);
    }

    [Fact]
    public async Task Send_exits_non_zero_with_the_servers_reason_when_refused()
    {
        await using ServerProcess server = await ServerProcess.StartAsync();

        await using ParleyProcess send = ParleyProcess.Start(["send", server.Address, "no room", "hello", .. server.ClientArgs]);

        Assert.NotEqual(0, await send.WaitForExitAsync());
        Assert.Contains(send.ErrorLines, l => l.Contains("not sent", StringComparison.Ordinal) && l.Contains("INVALID_NAME", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Send_exits_non_zero_when_nothing_listens()
    {
        await using ParleyProcess send = ParleyProcess.Start("send", $"127.0.0.1:{ClosedPort()}", "#a", "hello", "--name", "bot");

        Assert.NotEqual(0, await send.WaitForExitAsync());
        Assert.Contains(send.ErrorLines, l => l.StartsWith("parley send: not sent: cannot connect", StringComparison.Ordinal));
        Assert.Empty(send.Lines);
    }

    [Fact]
    public async Task Health_exits_0_and_prints_the_round_trip_time()
    {
        await using ServerProcess server = await ServerProcess.StartAsync();

        await using ParleyProcess health = ParleyProcess.Start(["health", server.Address, "--timeout", SlowMachine, .. server.ClientArgs]);

        Assert.True(await health.WaitForExitAsync() == 0, health.Explain("health did not exit 0"));
        Assert.Matches($@"^ok: .+ at {server.Address.Replace(".", @"\.", StringComparison.Ordinal)}, rtt [0-9.]+ ms$", Assert.Single(health.Lines));
    }

    [Fact]
    public async Task Health_exits_1_when_nothing_listens()
    {
        string address = $"127.0.0.1:{ClosedPort()}";

        await using ParleyProcess health = ParleyProcess.Start("health", address);

        Assert.Equal(1, await health.WaitForExitAsync());
        Assert.Contains(health.ErrorLines, l => l.StartsWith($"unhealthy: {address}: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_malformed_address_is_a_usage_error()
    {
        await using ParleyProcess health = ParleyProcess.Start("health", "[::1");

        Assert.NotEqual(0, await health.WaitForExitAsync());
        Assert.Contains(health.ErrorLines, l => l.Contains("[::1", StringComparison.Ordinal));
    }

    /// <summary>A loopback port that was free a moment ago and has no listener now.</summary>
    private static int ClosedPort()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }
}
