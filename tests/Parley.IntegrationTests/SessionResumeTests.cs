using Parley.Client;
using Parley.Protocol.Messages;
using Parley.TestUtilities;

namespace Parley.IntegrationTests;

/// <summary><see cref="ParleySession"/> against the real server: a dropped connection, then a rejoin that fills the gap.</summary>
public sealed class SessionResumeTests
{
    [Fact]
    public async Task A_session_replays_what_its_room_received_while_it_was_away_exactly_once_and_in_order()
    {
        await using ServerProcess server = await ServerProcess.StartAsync();
        ParleyEndpoint endpoint = ParleyEndpoint.Parse(server.Address);
        ClientTlsOptions tls = TestTls.For(server);
        // The test decides when alice may reconnect, so the gap is certain, not a race with the backoff.
        var reconnectAllowed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        StreamTransport? aliceSocket = null;
        int attempts = 0;
        async ValueTask<System.IO.Pipelines.IDuplexPipe> ConnectAlice(CancellationToken ct)
        {
            if (Interlocked.Increment(ref attempts) > 1)
            {
                await reconnectAllowed.Task.WaitAsync(ct);
            }

            return aliceSocket = await ParleyTransport.ConnectAsync(endpoint, tls, ct);
        }

        await using var alice = new ParleySession(server.Address, ConnectAlice, new ParleySessionOptions
        {
            Connection = { Nick = "alice" },
            Backoff = new ReconnectBackoff { Jitter = () => 0 },
        });
        var seen = new EventLog(alice);
        alice.Start();
        await Poll.UntilAsync(() => seen.Any<ConnectedEvent>(), "alice is connected");
        await alice.JoinAsync("#a");
        await using ParleyConnection bob = await ParleyConnection.ConnectAsync(endpoint, new ParleyConnectionOptions { Nick = "bob", Tls = tls });
        await bob.JoinAsync("#a");
        await bob.SayAsync("#a", "before");
        await Poll.UntilAsync(() => seen.Texts().Contains("before"), "alice has bob's first line");

        await aliceSocket!.DisposeAsync();
        await Poll.UntilAsync(() => seen.Any<DisconnectedEvent>(), "alice's session noticed the drop");
        await Poll.UntilAsync(
            () => bob.Events.TryRead(out ParleyEvent? e) && e is PresenceEvent { Presence: { Kind: PresenceKind.Quit, Nick: "alice" } },
            "the server has seen alice go");
        for (int i = 1; i <= 3; i++)
        {
            await bob.SayAsync("#a", $"missed {i}");
        }

        reconnectAllowed.SetResult();
        await Poll.UntilAsync(() => seen.Texts().Contains("missed 3"), "alice has caught up");
        await bob.SayAsync("#a", "after");
        await Poll.UntilAsync(() => seen.Texts().Contains("after"), "alice has bob's line after her return");

        Assert.Equal(["before", "missed 1", "missed 2", "missed 3", "after"], seen.Texts());
        Assert.Equal([false, true, true, true, false], seen.All().OfType<RoomMessageEvent>().Select(e => e.Replayed));
        RejoinedEvent rejoined = Assert.Single(seen.All().OfType<RejoinedEvent>());
        Assert.Equal(3ul, rejoined.Missed);
        Assert.Empty(server.LoggedErrors);
    }

    /// <summary>Everything a session reports, collected as it arrives.</summary>
    private sealed class EventLog
    {
        private readonly List<ParleyEvent> _events = [];
        private readonly Lock _lock = new();

        public EventLog(ParleySession session) => Reading = ReadAsync(session);

        public Task Reading { get; }

        public List<ParleyEvent> All()
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }

        public bool Any<T>() where T : ParleyEvent => All().OfType<T>().Any();

        public List<string> Texts() => [.. All().OfType<RoomMessageEvent>().Select(e => e.Message.Text)];

        private async Task ReadAsync(ParleySession session)
        {
            await foreach (ParleyEvent e in session.Events.ReadAllAsync())
            {
                lock (_lock)
                {
                    _events.Add(e);
                }
            }
        }
    }
}
