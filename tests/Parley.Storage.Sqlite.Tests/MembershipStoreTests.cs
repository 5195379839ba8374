using Parley.Server.Storage;

namespace Parley.Storage.Sqlite.Tests;

/// <summary>Migration 004: an account's rooms across restarts, and the changes parley admin notes for a running server.</summary>
public sealed class MembershipStoreTests : IDisposable
{
    private const string Phc = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    private static AccountRecord Account(string key) => new(key, key, Phc, false, 1000);

    [Fact]
    public void Memberships_survive_a_restart_in_first_joined_order_and_a_rejoin_keeps_the_first_time_with_the_new_name()
    {
        SqliteChatStore store = _db.Open();
        store.CreateAccount(Account("alice"));
        store.SaveMembership("alice", "#zebra", "#zebra", joinedMs: 100);
        store.SaveMembership("alice", "#apple", "#apple", joinedMs: 200);
        store.SaveMembership("alice", "#zebra", "#Zebra", joinedMs: 300);

        store = _db.Reopen(store);

        Assert.Equal(["#Zebra", "#apple"], store.LoadMemberships("alice"));
        Assert.Empty(store.LoadMemberships("bob"));
        store.Dispose();
    }

    [Fact]
    public void A_membership_is_deleted_once_and_goes_with_its_account()
    {
        using SqliteChatStore store = _db.Open();
        store.CreateAccount(Account("alice"));
        store.CreateAccount(Account("bob"));
        store.SaveMembership("alice", "#a", "#a", 1);
        store.SaveMembership("alice", "#b", "#b", 2);
        store.SaveMembership("bob", "#a", "#a", 3);

        Assert.True(store.DeleteMembership("alice", "#a"));
        Assert.False(store.DeleteMembership("alice", "#a"));
        Assert.True(store.DeleteAccount("alice"));

        Assert.Empty(store.LoadMemberships("alice"));
        Assert.Equal(["#a"], store.LoadMemberships("bob"));
        Assert.Equal(1L, _db.RawScalar("SELECT count(*) FROM memberships"));
    }

    [Fact]
    public void A_read_marker_reports_whether_it_moved()
    {
        using SqliteChatStore store = _db.Open();

        Assert.True(store.SetReadMarker("~alice", "#a", 5));
        Assert.False(store.SetReadMarker("~alice", "#a", 5));
        Assert.False(store.SetReadMarker("~alice", "#a", 3));
        Assert.True(store.SetReadMarker("~alice", "#a", 6));
        Assert.Equal(6ul, store.GetReadMarker("~alice", "#a"));
    }

    [Fact]
    public void Admin_changes_are_read_in_order_after_an_id_and_only_the_newest_thousand_are_kept()
    {
        using SqliteChatStore store = _db.Open();
        Assert.Equal(0, store.LastAdminChangeId());
        for (int i = 1; i <= 1005; i++)
        {
            store.NoteAdminChange(i % 2 == 0 ? AdminChange.Ban : AdminChange.Account, $"s{i}", i);
        }

        Assert.Equal(1005, store.LastAdminChangeId());
        Assert.Equal(1000L, _db.RawScalar("SELECT count(*) FROM admin_changes"));
        Assert.Equal(["s1004", "s1005"], store.AdminChangesAfter(1003).Select(c => c.Subject));
        Assert.Equal(new AdminChange(1004, AdminChange.Ban, "s1004", 1004), store.AdminChangesAfter(1003)[0]);
        Assert.Equal(6, store.AdminChangesAfter(0)[0].Id);
    }
}
