using Parley.Protocol.Messages;

namespace Parley.Client.Tests;

public class EventTests
{
    [Fact]
    public async Task Events_arrive_in_order_as_typed_events()
    {
        await using Harness h = await Harness.ConnectAsync();

        await h.Server.SendEventAsync(new Delivered { Room = "#a", From = "bob", Text = "hi", Seq = 1 });
        await h.Server.SendEventAsync(new DirectDelivered { From = "bob", To = "alice", Text = "psst" });
        await h.Server.SendEventAsync(new Presence { Kind = PresenceKind.Joined, Room = "#a", Nick = "carol" });
        await h.Server.SendEventAsync(new TopicChanged { Room = "#a", Topic = "t", By = "bob" });
        await h.Server.SendEventAsync(new ReadMarkerChanged { Conversation = "#a", Seq = 7 });

        ChannelReaderAssert reader = new(h.Connection.Events);
        Assert.Equal("hi", (await reader.NextAsync<RoomMessageEvent>()).Message.Text);
        Assert.Equal("psst", (await reader.NextAsync<DirectMessageEvent>()).Message.Text);
        Assert.Equal("carol", (await reader.NextAsync<PresenceEvent>()).Presence.Nick);
        Assert.Equal("t", (await reader.NextAsync<TopicChangedEvent>()).Change.Topic);
        Assert.Equal(("#a", 7ul), (await reader.NextAsync<ReadMarkerEvent>()).Change is var m ? (m.Conversation, m.Seq) : default);
    }

    [Fact]
    public async Task A_server_ping_is_answered_with_a_pong_echoing_its_nonce()
    {
        await using Harness h = await Harness.ConnectAsync();

        await h.Server.SendEventAsync(new Ping { Nonce = 0xDEADBEEF42 });
        (uint id, Pong pong) = await h.Server.ExpectAsync<Pong>();

        Assert.Equal(0u, id);
        Assert.Equal(0xDEADBEEF42ul, pong.Nonce);
    }

    [Fact]
    public async Task Nobody_reading_events_does_not_stall_replies_or_pongs()
    {
        const int Count = 20_000;
        await using Harness h = await Harness.ConnectAsync();

        Task<TimeSpan> pinging = h.Connection.PingAsync();
        (uint id, Ping ping) = await h.Server.ExpectAsync<Ping>();
        for (int i = 1; i <= Count; i++)
        {
            await h.Server.SendEventAsync(new Delivered { Room = "#a", From = "bob", Text = "flood", Seq = (ulong)i });
        }

        await h.Server.SendEventAsync(new Ping { Nonce = 9 });
        await h.Server.SendAsync(id, new Pong { Nonce = ping.Nonce });

        // Nothing has read a single event, yet the reply and the pong get through.
        await pinging.WaitAsync(Harness.Timeout);
        Assert.Equal(9ul, (await h.Server.ExpectAsync<Pong>()).Message.Nonce);
        for (int i = 1; i <= Count; i++)
        {
            Assert.True(h.Connection.Events.TryRead(out ParleyEvent? e));
            Assert.Equal((ulong)i, Assert.IsType<RoomMessageEvent>(e).Message.Seq);
        }
    }
}

/// <summary>Reads a channel with a deadline and checks the type of each item.</summary>
internal sealed class ChannelReaderAssert(System.Threading.Channels.ChannelReader<ParleyEvent> reader)
{
    public async Task<T> NextAsync<T>() where T : ParleyEvent
    {
        ParleyEvent e = await reader.ReadAsync().AsTask().WaitAsync(Harness.Timeout);
        return Assert.IsType<T>(e);
    }

    /// <summary>Reads everything up to the channel's completion.</summary>
    public async Task<List<ParleyEvent>> RestAsync()
    {
        var rest = new List<ParleyEvent>();
        await foreach (ParleyEvent e in reader.ReadAllAsync().WithCancellation(new CancellationTokenSource(Harness.Timeout).Token))
        {
            rest.Add(e);
        }

        return rest;
    }

    /// <summary>Skips events until one of type <typeparamref name="T"/>.</summary>
    public async Task<T> NextOfTypeAsync<T>() where T : ParleyEvent
    {
        while (true)
        {
            ParleyEvent e = await reader.ReadAsync().AsTask().WaitAsync(Harness.Timeout);
            if (e is T match)
            {
                return match;
            }
        }
    }
}
