using System.Collections.Concurrent;
using System.Net;
using Parley.Client;
using Parley.Protocol.Messages;
using Parley.Server.Connections;

namespace Parley.IntegrationTests;

/// <summary>The client library's session with an account: reconnects on its resume token, and on the password once the token is gone.</summary>
public sealed class AccountSessionTests
{
    [Fact]
    public async Task A_session_reconnects_with_its_token_and_falls_back_to_the_password_when_it_is_revoked()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        var tokens = new ConcurrentQueue<string?>();
        var options = new ParleySessionOptions { Backoff = new ReconnectBackoff { BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(50) } };
        new AccountLogin("alice", AccountWire.Password, Register: true, ResumeTokenChanged: tokens.Enqueue).ApplyTo(options);
        var endpoint = new ParleyEndpoint(server.EndPoint.Address.ToString(), server.EndPoint.Port);
        await using ParleySession session = ParleySession.ForTcp(endpoint, options);
        var hashes = server.Server.Context.Accounts.Hasher;

        session.Start();
        await session.WaitUntilReadyAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(tokens.TryPeek(out string? first) && first is { Length: > 0 }, "a token was issued at registration");

        // Dropped by the server: the session comes back on the token, with no hash.
        long before = hashes.Computed;
        ParleyConnection old = await DropAsync(server, session);
        ParleyConnection resumed = await session.WaitUntilReadyAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.NotSame(old, resumed);
        Assert.Equal("alice", resumed.Account);
        Assert.Equal(before, hashes.Computed);

        // The token is revoked behind its back: it logs in with the password and gets a new token.
        server.Server.Context.Accounts.Store.RevokeResumeTokens("alice", null);
        old = await DropAsync(server, session);
        ParleyConnection again = await session.WaitUntilReadyAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.NotSame(old, again);
        Assert.Equal(before + 1, hashes.Computed);
        string?[] seen = [.. tokens];
        Assert.Equal(3, seen.Length);
        Assert.Null(seen[1]);
        Assert.NotEqual(first, seen[2]);
        Assert.False(string.IsNullOrEmpty(seen[2]));
    }

    /// <summary>Closes the session's connection from the server side, as a network failure would.</summary>
    private static async Task<ParleyConnection> DropAsync(InProcessServer server, ParleySession session)
    {
        ParleyConnection current = await session.WaitUntilReadyAsync();
        ClientConnection connection = server.Server.Context.Connections.Live.Single(c => c.Session.Account?.Key == "alice" && !c.IsClosing);
        connection.Close(QuitReason.ConnectionLost, null, discardData: true);
        await current.Closed.WaitAsync(TimeSpan.FromSeconds(20));
        return current;
    }
}
