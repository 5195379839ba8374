using Microsoft.Data.Sqlite;
using Parley.Server.Storage;

namespace Parley.Storage.Sqlite.Tests;

public sealed class ModerationStoreTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public void A_room_never_moderated_loads_as_empty()
    {
        SqliteChatStore store = _db.Open();

        RoomModeration loaded = store.LoadRoomModeration("#general", 1000);

        Assert.Equal(RoomSettings.None, loaded.Settings);
        Assert.Empty(loaded.Operators);
        Assert.Empty(loaded.Bans);
        Assert.Empty(loaded.Mutes);
    }

    [Fact]
    public void Owner_modes_operators_bans_and_mutes_survive_a_reopen()
    {
        SqliteChatStore store = _db.Open();
        store.SaveRoomSettings("#a", new RoomSettings("alice", InviteOnly: true, TopicLocked: false));
        store.SetOperator("#a", "bob", true);
        store.SetOperator("#a", "carol", true);
        store.SetOperator("#a", "carol", false);
        store.SaveBan(new Restriction("#a", "account:mallory", "alice", "spam", 100, 0));
        store.SaveBan(new Restriction("", "address:203.0.113.0/24", "root", "botnet", 200, 5000));
        store.SaveMute(new Restriction("#a", "address:198.51.100.7/32", "bob", "", 300, 4000));

        store = _db.Reopen(store);

        RoomModeration a = store.LoadRoomModeration("#a", 1000);
        Assert.Equal(new RoomSettings("alice", true, false), a.Settings);
        Assert.Equal(["bob"], a.Operators);
        Assert.Equal([new Restriction("#a", "account:mallory", "alice", "spam", 100, 0)], a.Bans);
        Assert.Equal([new Restriction("#a", "address:198.51.100.7/32", "bob", "", 300, 4000)], a.Mutes);
        Assert.Equal([new Restriction("", "address:203.0.113.0/24", "root", "botnet", 200, 5000)], store.LoadBans("", 1000));
        Assert.Empty(store.LoadRoomModeration("#b", 1000).Bans);
    }

    [Fact]
    public void Expired_bans_and_mutes_are_not_loaded_and_are_cleared_by_the_next_one()
    {
        SqliteChatStore store = _db.Open();
        store.SaveBan(new Restriction("#a", "account:x", "op", "", 100, 2000));
        store.SaveMute(new Restriction("#a", "account:y", "op", "", 100, 2000));

        Assert.Single(store.LoadBans("#a", 1999));
        Assert.Empty(store.LoadBans("#a", 2000));
        Assert.Empty(store.LoadRoomModeration("#a", 2000).Mutes);

        store.SaveBan(new Restriction("#a", "account:z", "op", "", 3000, 0));
        store.SaveMute(new Restriction("#a", "account:w", "op", "", 3000, 0));
        Assert.Equal(1L, _db.RawScalar("SELECT count(*) FROM bans"));
        Assert.Equal(1L, _db.RawScalar("SELECT count(*) FROM mutes"));
    }

    [Fact]
    public void Saving_the_same_mask_again_replaces_it_and_delete_says_whether_there_was_one()
    {
        SqliteChatStore store = _db.Open();
        store.SaveBan(new Restriction("#a", "account:x", "op", "first", 100, 0));
        store.SaveBan(new Restriction("#a", "account:x", "owner", "second", 200, 9000));

        Assert.Equal([new Restriction("#a", "account:x", "owner", "second", 200, 9000)], store.LoadBans("#a", 300));
        Assert.True(store.DeleteBan("#a", "account:x"));
        Assert.False(store.DeleteBan("#a", "account:x"));
        Assert.False(store.DeleteMute("#a", "account:x"));
        Assert.Empty(store.LoadBans("#a", 300));
    }

    [Fact]
    public void A_read_only_store_refuses_moderation_writes_as_unavailable()
    {
        _db.Open().Dispose();
        SqliteChatStore store = _db.Open(new SqliteStoreOptions { ReadOnly = true });

        Assert.Throws<StoreUnavailableException>(() => store.SaveBan(new Restriction("", "account:x", "op", "", 1, 0)));
        Assert.Empty(store.LoadBans("", 1));
    }

    [Fact]
    public void Settings_columns_hold_only_booleans()
    {
        _db.Open();
        using SqliteConnection connection = _db.RawConnection();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "INSERT INTO room_settings VALUES ('#a', '', 2, 0)";

        Assert.Throws<SqliteException>(() => command.ExecuteNonQuery());
    }
}
