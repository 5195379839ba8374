using System.Diagnostics;
using Parley.Protocol.Messages;
using Xunit.Abstractions;
using static Parley.IntegrationTests.AccountWire;

namespace Parley.IntegrationTests;

/// <summary>A login flood against one account is throttled at once and does not starve a room that is chatting meanwhile.</summary>
public sealed class LoginFloodTests(ITestOutputHelper output)
{
    private const int Connections = 20;
    private const int HellosPerConnection = 10;
    private const int Messages = 100;

    [Fact]
    public async Task Two_hundred_wrong_passwords_for_one_account_get_rate_limited_while_a_room_keeps_chatting()
    {
        // Flood control off: the room's 100 messages and the 23 connections from 127.0.0.1 are not what is tested;
        // the login throttle (Accounts options) is separate from it and stays on.
        await using InProcessServer server = await InProcessServer.StartAsync(InProcessServer.NoRateLimits());
        (WireClient owner, _) = await LoginAsync(server.EndPoint, "alice", register: true);
        await owner.DisposeAsync();
        await using WireClient sender = await WireClient.ConnectReadyAsync(server.EndPoint, "sender", "#general");
        await using WireClient listener = await WireClient.ConnectReadyAsync(server.EndPoint, "listener", "#general");
        long hashesBefore = server.Server.Context.Accounts.Hasher.Computed;

        var clock = Stopwatch.StartNew();
        Task<List<ErrorCode>>[] flood = [.. Enumerable.Range(0, Connections).Select(FloodAsync)];
        Task chatting = ChatAsync(sender);
        Task<int> receiving = ReceiveAsync(listener);
        List<ErrorCode>[] answers = await Task.WhenAll(flood).WaitAsync(TimeSpan.FromSeconds(60));
        TimeSpan floodTime = clock.Elapsed;
        await chatting.WaitAsync(TimeSpan.FromSeconds(60));
        int received = await receiving.WaitAsync(TimeSpan.FromSeconds(60));

        ErrorCode[] all = [.. answers.SelectMany(a => a)];
        long hashes = server.Server.Context.Accounts.Hasher.Computed - hashesBefore;
        output.WriteLine($"{all.Length} Hellos answered in {floodTime.TotalMilliseconds:0} ms: " +
            $"{all.Count(c => c == ErrorCode.AuthFailed)} AUTH_FAILED, {all.Count(c => c == ErrorCode.RateLimited)} RATE_LIMITED, {hashes} hashes; " +
            $"{received}/{Messages} room messages delivered");

        Assert.Equal(Connections * HellosPerConnection, all.Length);
        Assert.All(all, c => Assert.True(c is ErrorCode.AuthFailed or ErrorCode.RateLimited, $"unexpected {c}"));
        // The account allows five failures in a burst; the other 195 are refused without a hash.
        Assert.True(all.Count(c => c == ErrorCode.AuthFailed) <= 5, "more than the allowance was checked");
        Assert.True(hashes <= 5, $"{hashes} hashes for a throttled flood");
        Assert.Equal(Messages, received);

        async Task<List<ErrorCode>> FloodAsync(int n)
        {
            await using WireClient client = await WireClient.ConnectAsync(server.EndPoint);
            var codes = new List<ErrorCode>();
            for (int i = 0; i < HellosPerConnection; i++)
            {
                codes.Add(CodeOf(await client.AccountHelloAsync("alice", $"guess {n}-{i}", nick: $"f{n}")));
            }

            return codes;
        }
    }

    private static async Task ChatAsync(WireClient sender)
    {
        for (int i = 0; i < Messages; i++)
        {
            await sender.SendAsync(new Say { Room = "#general", Text = $"line {i}", ClientMsgId = $"c{i}" });
            await sender.ExpectAsync<Sent>();
        }
    }

    private static async Task<int> ReceiveAsync(WireClient listener)
    {
        int seen = 0;
        while (seen < Messages)
        {
            Delivered delivered = await listener.ExpectAsync<Delivered>();
            Assert.Equal($"line {seen}", delivered.Text);
            seen++;
        }

        return seen;
    }
}
