using Parley.Protocol.Messages;

namespace Parley.Server.Tests;

/// <summary>Names that look like a name in use are refused (docs/PROTOCOL.md "Normalisation and identity").</summary>
public sealed class ConfusableNameTests
{
    [Theory]
    [InlineData("\u0430lice")] // Cyrillic а
    [InlineData("AIice")] // capital I for l
    [InlineData("\u0391lice")] // Greek capital alpha
    public async Task A_lookalike_of_a_nickname_in_use_is_refused_and_free_again_once_it_is_gone(string lookalike)
    {
        await using var server = new InMemoryServer();
        TestPeer alice = server.Connect(), mallory = server.Connect();
        await alice.HelloAsync("Alice");

        await mallory.SendAsync(new Hello { ProtocolVersion = 1, Nick = lookalike });
        Error refused = await mallory.NextAsync<Error>();
        await alice.SendAsync(new Goodbye());
        await Poll.UntilAsync(() => server.Context.Connections.LiveCount == 1, "alice's connection has ended");
        Welcome welcome = await mallory.HelloAsync(lookalike);

        Assert.Equal(ErrorCode.NickInUse, refused.Code);
        Assert.Contains("too much like Alice", refused.Message, StringComparison.Ordinal);
        Assert.Equal(lookalike, welcome.Nick);
    }

    [Fact]
    public async Task Changing_to_a_lookalike_is_refused_but_respelling_ones_own_nickname_is_not()
    {
        await using var server = new InMemoryServer();
        TestPeer alice = server.Connect(), bob = server.Connect();
        await alice.HelloAsync("mallory");
        await bob.HelloAsync("bob");

        await bob.SendAsync(new SetNick { Nick = "rnallory" });
        Error refused = await bob.NextAsync<Error>();
        await alice.SendAsync(new SetNick { Nick = "MALLORY" });
        Ok respelled = await alice.NextAsync<Ok>();
        await alice.SendAsync(new SetNick { Nick = "zed" });
        await alice.NextAsync<Ok>();
        await bob.SendAsync(new SetNick { Nick = "rnallory" });
        Ok taken = await bob.NextAsync<Ok>();

        Assert.Equal(ErrorCode.NickInUse, refused.Code);
        Assert.Equal("MALLORY", respelled.Nick);
        Assert.Equal("rnallory", taken.Nick);
    }

    [Fact]
    public async Task A_new_room_that_looks_like_an_existing_one_is_refused_while_the_same_room_in_other_case_is_joined()
    {
        await using var server = new InMemoryServer();
        TestPeer alice = server.Connect(), bob = server.Connect();
        await alice.HelloAsync("alice");
        await bob.HelloAsync("bob");
        await alice.JoinAsync("#general");

        await bob.SendAsync(new Join { Room = "#g\u0435neral" }); // Cyrillic е
        Error refused = await bob.NextAsync<Error>();
        Joined same = await bob.JoinAsync("#GENERAL");

        Assert.Equal(ErrorCode.InvalidName, refused.Code);
        Assert.Contains("#general", refused.Message, StringComparison.Ordinal);
        Assert.Equal("#general", same.Room);
    }
}
