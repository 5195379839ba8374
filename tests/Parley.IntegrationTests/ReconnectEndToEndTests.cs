using Parley.TestUtilities;

namespace Parley.IntegrationTests;

/// <summary>
/// A plain-mode client across a server restart: told why, backs off, reconnects over TLS to the same key (the
/// data directory is kept, as on a real restart), rejoins, chats on.
/// </summary>
public sealed class ReconnectEndToEndTests
{
    [Fact]
    public async Task A_client_outlives_a_server_restart_and_rejoins_its_room()
    {
        using var data = new TempDirectory();
        ServerProcess first = await ServerProcess.StartWithDataAsync(0, data.Path);
        int port = first.Port;
        await using ChatProcess alice = await ChatProcess.StartAsync(first, "alice");
        await alice.JoinAsync("#a");
        int mark = alice.Lines.Count;

        await first.Process.TerminateAsync();
        await alice.Process.WaitForLineAsync(l => l.StartsWith("-- disconnected: server shutting down", StringComparison.Ordinal), mark, reason: "saying the server shut down");
        await alice.Process.WaitForLineAsync(l => l.StartsWith("-- reconnecting in ", StringComparison.Ordinal), mark, reason: "announcing a reconnect");
        Assert.Equal(0, await first.Process.WaitForExitAsync());
        await first.DisposeAsync();

        await using ServerProcess second = await ServerProcess.StartWithDataAsync(port, data.Path);
        Assert.Equal(first.Fingerprint, second.Fingerprint);
        await alice.Process.WaitForLineAsync(l => l == $"-- connected to {second.Address} as alice", mark, reason: "reconnected");
        await alice.Process.WaitForLineAsync(l => l.StartsWith("[#a] -- rejoined", StringComparison.Ordinal), mark, reason: "rejoined #a");
        await using ChatProcess bob = await ChatProcess.StartAsync(second, "bob");
        await bob.JoinAsync("#a");
        await alice.TypeAsync("back again");

        await bob.WaitForLineAsync(l => l == "[#a] <alice> back again", reason: "with alice's line after her reconnect");
        Assert.Equal(0, await alice.QuitAsync());
        Assert.Empty(second.LoggedErrors);
    }
}
