using Parley.Server.Storage;

namespace Parley.Storage.Sqlite.Tests;

public sealed class RoomAndMarkerTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public void Rooms_round_trip_and_an_update_replaces_the_record()
    {
        SqliteChatStore store = _db.Open();
        store.SaveRoom(new RoomRecord("#general", "General", "", "", 100));
        store.SaveRoom(new RoomRecord("#dev", "Dev", "ship it", "alice", 200));
        store.SaveRoom(new RoomRecord("#general", "General", "welcome!", "bob", 100));

        store = _db.Reopen(store);

        Assert.Equal(
            [new RoomRecord("#dev", "Dev", "ship it", "alice", 200), new RoomRecord("#general", "General", "welcome!", "bob", 100)],
            store.LoadRooms());
    }

    [Fact]
    public void No_rooms_loads_an_empty_list()
    {
        SqliteChatStore store = _db.Open();

        Assert.Empty(store.LoadRooms());
    }

    [Fact]
    public void A_read_marker_round_trips_and_never_moves_backwards()
    {
        SqliteChatStore store = _db.Open();
        Assert.Equal(0UL, store.GetReadMarker("alice", "#general"));

        store.SetReadMarker("alice", "#general", 5);
        store.SetReadMarker("alice", "#general", 3);
        Assert.Equal(5UL, store.GetReadMarker("alice", "#general"));

        store.SetReadMarker("alice", "#general", 8);
        store = _db.Reopen(store);

        Assert.Equal(8UL, store.GetReadMarker("alice", "#general"));
        Assert.Equal(0UL, store.GetReadMarker("bob", "#general"));
        Assert.Equal(0UL, store.GetReadMarker("alice", "#other"));
    }

    [Fact]
    public void Unread_direct_conversations_count_the_other_sides_messages_after_the_marker()
    {
        SqliteChatStore store = _db.Open();
        store.AppendBatch(
        [
            Msg.Direct("bob", "alice"), Msg.Direct("bob", "alice"), Msg.Direct("bob", "alice"), Msg.Direct("alice", "bob"),
            Msg.Direct("carol", "alice"),
            Msg.Direct("bob", "carol"),
            Msg.Say("#general", "bob"),
        ]);

        Assert.Equal(
            [new UnreadConversation("@alice,bob", 4, 0, 3), new UnreadConversation("@alice,carol", 1, 0, 1)],
            store.UnreadDirectConversations("alice"));

        store.SetReadMarker("alice", "@alice,bob", 2);
        Assert.Equal(
            [new UnreadConversation("@alice,bob", 4, 2, 1), new UnreadConversation("@alice,carol", 1, 0, 1)],
            store.UnreadDirectConversations("alice"));

        store.SetReadMarker("alice", "@alice,bob", 4);
        store.SetReadMarker("alice", "@alice,carol", 1);
        Assert.Empty(store.UnreadDirectConversations("alice"));

        // Bob's only message to Carol is his own: not unread, so the conversation is not listed.
        Assert.Equal([new UnreadConversation("@alice,bob", 4, 0, 1)], store.UnreadDirectConversations("bob"));
        Assert.Equal([new UnreadConversation("@bob,carol", 1, 0, 1)], store.UnreadDirectConversations("carol"));
    }

    [Fact]
    public void Unread_matches_whole_user_keys_only()
    {
        SqliteChatStore store = _db.Open();
        store.AppendBatch([Msg.Direct("bob", "alice"), Msg.Direct("x_y", "zed"), Msg.Direct("bob", "lice")]);

        Assert.Empty(store.UnreadDirectConversations("ali"));
        Assert.Empty(store.UnreadDirectConversations("xay"));
        Assert.Equal(["@alice,bob"], store.UnreadDirectConversations("alice").Select(u => u.Conversation));
        Assert.Equal(["@bob,lice"], store.UnreadDirectConversations("lice").Select(u => u.Conversation));
        Assert.Equal(["@x_y,zed"], store.UnreadDirectConversations("zed").Select(u => u.Conversation));
    }
}
