using Parley.Protocol;
using Parley.Protocol.Messages;

namespace Parley.Client.Tests;

public class HandshakeTests
{
    [Fact]
    public async Task Hello_carries_version_client_name_and_nick_and_the_granted_nick_is_adopted()
    {
        var server = new FakeServer();
        Task<ParleyConnection> connecting = ParleyConnection.ConnectAsync(
            server.ClientSide, new ParleyConnectionOptions { Nick = "alice", ClientName = "tests/1" });

        Hello hello = await server.AcceptHelloAsync(grantedNick: "Alice");
        await using var h = new Harness(await connecting.WaitAsync(Harness.Timeout), server);
        ParleyConnection connection = h.Connection;

        Assert.Equal(ProtocolConstants.Version, hello.ProtocolVersion);
        Assert.Equal("tests/1", hello.ClientName);
        Assert.Equal("alice", hello.Nick);
        Assert.Equal("Alice", connection.Nick);
        Assert.Equal("c1", connection.ConnectionId);
        Assert.True(connection.IsOpen);
    }

    [Fact]
    public async Task Nick_in_use_is_retried_with_a_fallback_nick_on_the_same_connection()
    {
        var server = new FakeServer();
        Task<ParleyConnection> connecting = ParleyConnection.ConnectAsync(
            server.ClientSide, new ParleyConnectionOptions { Nick = "alice", NickInUseRetries = 2 });

        (uint first, Hello hello1) = await server.ExpectAsync<Hello>();
        await server.SendAsync(first, new Error { Code = ErrorCode.NickInUse, Message = "taken" });
        (uint second, Hello hello2) = await server.ExpectAsync<Hello>();
        await server.SendAsync(second, new Welcome { Nick = hello2.Nick, Limits = FakeServer.NoHeartbeat });
        await using var h = new Harness(await connecting.WaitAsync(Harness.Timeout), server);
        ParleyConnection connection = h.Connection;

        Assert.Equal("alice", hello1.Nick);
        Assert.Equal("alice_", hello2.Nick);
        Assert.NotEqual(first, second);
        Assert.Equal("alice_", connection.Nick);
    }

    [Fact]
    public async Task A_refused_hello_fails_with_the_code_and_closes_the_transport()
    {
        var server = new FakeServer();
        Task<ParleyConnection> connecting = ParleyConnection.ConnectAsync(server.ClientSide, new ParleyConnectionOptions { Nick = "a b" });

        (uint id, _) = await server.ExpectAsync<Hello>();
        await server.SendAsync(id, new Error { Code = ErrorCode.InvalidName, Message = "no spaces" });

        var ex = await Assert.ThrowsAsync<ParleyRequestException>(() => connecting.WaitAsync(Harness.Timeout));
        Assert.Equal(ErrorCode.InvalidName, ex.Code);
        Assert.Equal("no spaces", ex.Message);
        await server.ReadToEndAsync();
    }

    [Fact]
    public async Task A_connection_level_error_during_the_handshake_fails_it()
    {
        var server = new FakeServer();
        Task<ParleyConnection> connecting = ParleyConnection.ConnectAsync(server.ClientSide, new ParleyConnectionOptions());

        await server.ExpectAsync<Hello>();
        await server.SendEventAsync(new Error { Code = ErrorCode.ServerFull, Message = "full" });
        await server.CloseAsync();

        var ex = await Assert.ThrowsAsync<ParleyRequestException>(() => connecting.WaitAsync(Harness.Timeout));
        Assert.Equal(ErrorCode.ServerFull, ex.Code);
    }

    [Theory]
    [InlineData("alice", 1, "alice_")]
    [InlineData("alice", 2, "alice_2")]
    [InlineData("abcdefghijklmnopqrstuvwxyzabcdef", 1, "abcdefghijklmnopqrstuvwxyzabcde_")]
    public void Fallback_nicks_append_a_suffix_within_the_length_limit(string nick, int retry, string expected)
    {
        Assert.Equal(expected, ParleyConnection.FallbackNick(nick, retry));
        Assert.True(ParleyConnection.FallbackNick(nick, retry).Length <= ProtocolConstants.MaxNickLength);
    }
}
