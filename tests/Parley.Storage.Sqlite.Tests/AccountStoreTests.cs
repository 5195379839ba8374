using Parley.Server.Accounts;
using Parley.Server.Storage;

namespace Parley.Storage.Sqlite.Tests;

public sealed class AccountStoreTests : IDisposable
{
    private const string Phc = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    private static AccountRecord Alice(bool admin = false) => new("alice", "Alice", Phc, admin, 1000);

    [Fact]
    public void An_account_is_created_once_and_read_back_after_a_restart()
    {
        SqliteChatStore store = _db.Open();
        Assert.Equal(CreateAccountResult.Created, store.CreateAccount(Alice()));
        Assert.Equal(CreateAccountResult.Exists, store.CreateAccount(Alice() with { Name = "ALICE" }));

        store = _db.Reopen(store);

        Assert.Equal(Alice(), store.FindAccount("alice"));
        Assert.Null(store.FindAccount("bob"));
        Assert.Equal(["alice"], store.ListAccounts().Select(a => a.Key));
        Assert.Equal(Phc, _db.RawScalar("SELECT password_hash FROM accounts WHERE key = 'alice'"));
    }

    [Fact]
    public void An_invite_code_admits_one_account_only()
    {
        using SqliteChatStore store = _db.Open();
        store.AddInvite(new InviteRecord(Secrets.Hash("code-1"), "operator", 1));

        Assert.Equal(CreateAccountResult.InviteNotValid, store.CreateAccount(Alice(), Secrets.Hash("wrong")));
        Assert.Null(store.FindAccount("alice"));
        Assert.Equal(CreateAccountResult.Created, store.CreateAccount(Alice(), Secrets.Hash("code-1")));
        Assert.Equal(CreateAccountResult.InviteNotValid, store.CreateAccount(new AccountRecord("bob", "bob", Phc, false, 1), Secrets.Hash("code-1")));
        Assert.Equal(0L, _db.RawScalar("SELECT count(*) FROM invites"));
    }

    [Fact]
    public void Tokens_are_stored_as_hashes_and_revoked_one_or_all()
    {
        using SqliteChatStore store = _db.Open();
        store.CreateAccount(Alice());
        store.AddResumeToken(new ResumeTokenRecord(Secrets.Hash("t1"), "alice", 1, 100));
        store.AddResumeToken(new ResumeTokenRecord(Secrets.Hash("t2"), "alice", 1, 100));
        store.AddResumeToken(new ResumeTokenRecord(Secrets.Hash("t3"), "alice", 1, 100));

        Assert.Equal(0L, _db.RawScalar("SELECT count(*) FROM resume_tokens WHERE token_hash IN ('t1', 't2', 't3')"));
        Assert.Equal("alice", store.FindResumeToken(Secrets.Hash("t1"))?.AccountKey);
        Assert.Equal(0, store.RevokeResumeTokens("bob", Secrets.Hash("t1")));
        Assert.Equal(1, store.RevokeResumeTokens("alice", Secrets.Hash("t1")));
        Assert.Null(store.FindResumeToken(Secrets.Hash("t1")));
        Assert.Equal(2, store.RevokeResumeTokens("alice", null));
        Assert.Null(store.FindResumeToken(Secrets.Hash("t2")));
    }

    [Fact]
    public void A_password_change_can_revoke_every_token_and_deleting_the_account_takes_its_tokens()
    {
        using SqliteChatStore store = _db.Open();
        store.CreateAccount(Alice());
        store.AddResumeToken(new ResumeTokenRecord(Secrets.Hash("t1"), "alice", 1, 100));

        Assert.True(store.SetPasswordHash("alice", "new", revokeTokens: false));
        Assert.NotNull(store.FindResumeToken(Secrets.Hash("t1")));
        Assert.True(store.SetPasswordHash("alice", "newer", revokeTokens: true));
        Assert.Null(store.FindResumeToken(Secrets.Hash("t1")));
        Assert.Equal("newer", store.FindAccount("alice")!.PasswordHash);
        Assert.False(store.SetPasswordHash("bob", "x", revokeTokens: true));

        store.AddResumeToken(new ResumeTokenRecord(Secrets.Hash("t2"), "alice", 1, 100));
        Assert.True(store.SetAdmin("alice", true));
        Assert.True(store.FindAccount("alice")!.Admin);
        Assert.True(store.DeleteAccount("alice"));
        Assert.False(store.DeleteAccount("alice"));
        Assert.Equal(0L, _db.RawScalar("SELECT count(*) FROM resume_tokens"));
    }

    [Fact]
    public void Expired_tokens_of_an_account_are_dropped_when_it_gets_a_new_one()
    {
        using SqliteChatStore store = _db.Open();
        store.CreateAccount(Alice());
        store.AddResumeToken(new ResumeTokenRecord(Secrets.Hash("old"), "alice", 1, 50));
        store.AddResumeToken(new ResumeTokenRecord(Secrets.Hash("new"), "alice", 60, 200));

        Assert.Null(store.FindResumeToken(Secrets.Hash("old")));
        Assert.NotNull(store.FindResumeToken(Secrets.Hash("new")));
    }

    [Fact]
    public void A_second_store_on_the_same_file_sees_account_changes_at_once()
    {
        using SqliteChatStore server = _db.Open();
        using SqliteChatStore admin = _db.Open();
        Assert.Null(server.FindAccount("alice"));

        admin.CreateAccount(Alice());

        Assert.NotNull(server.FindAccount("alice"));
    }
}
