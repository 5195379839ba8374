using Microsoft.Data.Sqlite;
using Parley.Server.Storage;
using Parley.Storage.Sqlite.Migrations;

namespace Parley.Storage.Sqlite.Tests;

public sealed class MigrationTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public void A_new_file_is_created_at_the_latest_schema_version()
    {
        using SqliteChatStore store = _db.Open();

        Assert.Equal(4, SqliteChatStore.SchemaVersion);
        Assert.Equal((long)SqliteChatStore.SchemaVersion, _db.RawScalar("PRAGMA user_version"));
        Assert.Equal(
            "accounts,admin_changes,bans,conversations,invites,memberships,messages,mutes,read_markers,resume_tokens,room_operators,room_settings,rooms",
            _db.RawScalar("SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name)"));
    }

    [Fact]
    public void The_scripts_are_numbered_from_one_without_gaps()
    {
        Assert.Equal(["001_initial.sql", "002_accounts.sql", "003_moderation.sql", "004_account_state.sql"], SchemaMigrations.All.Select(m => m.Name));
        Assert.Equal([1, 2, 3, 4], SchemaMigrations.All.Select(m => m.Version));
        Assert.Equal(SchemaMigrations.LatestVersion, SqliteChatStore.SchemaVersion);
    }

    [Fact]
    public void A_database_at_version_1_is_migrated_to_the_latest_and_keeps_its_messages()
    {
        using (SqliteConnection connection = _db.RawConnection())
        using (SqliteCommand command = connection.CreateCommand())
        {
            command.CommandText = SchemaMigrations.All[0].Sql + "\nPRAGMA user_version = 1;";
            command.ExecuteNonQuery();
            command.CommandText = "INSERT INTO conversations (conversation, last_seq) VALUES ('#old', 7);";
            command.ExecuteNonQuery();
        }

        using SqliteChatStore store = _db.Open();

        Assert.Equal((long)SqliteChatStore.SchemaVersion, _db.RawScalar("PRAGMA user_version"));
        Assert.Equal(7UL, store.LastSeq("#old"));
        Assert.Equal(1L, _db.RawScalar("SELECT count(*) FROM sqlite_schema WHERE name = 'accounts'"));
        Assert.Equal(1L, _db.RawScalar("SELECT count(*) FROM sqlite_schema WHERE name = 'bans'"));
    }

    [Fact]
    public void An_empty_existing_file_is_migrated()
    {
        File.WriteAllBytes(_db.FilePath, []);

        using SqliteChatStore store = _db.Open();

        Assert.Equal((long)SqliteChatStore.SchemaVersion, _db.RawScalar("PRAGMA user_version"));
        Assert.Equal([1UL], store.AppendBatch(Msg.Many("#general", 1)).Seqs());
    }

    [Fact]
    public void Reopening_a_current_database_keeps_its_data_and_version()
    {
        SqliteChatStore store = _db.Open();
        store.AppendBatch(Msg.Many("#general", 2));
        store.SaveRoom(new RoomRecord("#general", "General", "", "", 1));

        store = _db.Reopen(store);

        Assert.Equal((long)SqliteChatStore.SchemaVersion, _db.RawScalar("PRAGMA user_version"));
        Assert.Equal(2UL, store.LastSeq("#general"));
        Assert.Single(store.LoadRooms());
    }

    [Fact]
    public void A_database_from_a_newer_version_is_refused_and_left_untouched()
    {
        using (SqliteConnection connection = _db.RawConnection())
        using (SqliteCommand command = connection.CreateCommand())
        {
            command.CommandText = "CREATE TABLE future (x); PRAGMA user_version = 99;";
            command.ExecuteNonQuery();
        }

        var store = new SqliteChatStore(_db.FilePath);
        UnsupportedSchemaVersionException refused = Assert.Throws<UnsupportedSchemaVersionException>(store.Open);
        store.Dispose();

        Assert.Equal(99, refused.DatabaseVersion);
        Assert.Equal(SqliteChatStore.SchemaVersion, refused.SupportedVersion);
        Assert.Contains("newer Parley", refused.Message, StringComparison.Ordinal);
        Assert.Contains(_db.FilePath, refused.Message, StringComparison.Ordinal);
        Assert.Equal(99L, _db.RawScalar("PRAGMA user_version"));
        Assert.Equal("future", _db.RawScalar("SELECT group_concat(name) FROM sqlite_schema"));
    }

    [Fact]
    public void The_database_runs_in_wal_mode_with_foreign_keys_and_full_sync_by_default()
    {
        using SqliteChatStore store = _db.Open();

        Assert.Equal("wal", _db.RawScalar("PRAGMA journal_mode"));
        Assert.Equal(2L, store.ExecuteOnWriter("PRAGMA synchronous")); // FULL
        Assert.Equal(1L, store.ExecuteOnWriter("PRAGMA foreign_keys"));
        Assert.Equal(5000L, store.ExecuteOnWriter("PRAGMA busy_timeout"));
    }

    [Fact]
    public void FullSync_off_selects_normal_sync()
    {
        using SqliteChatStore store = _db.Open(new SqliteStoreOptions { FullSync = false });

        Assert.Equal(1L, store.ExecuteOnWriter("PRAGMA synchronous")); // NORMAL
    }

    [Fact]
    public void The_store_must_be_opened_once_before_use()
    {
        using var store = new SqliteChatStore(_db.FilePath);

        Assert.Throws<InvalidOperationException>(() => store.LastSeq("#general"));
        Assert.Throws<InvalidOperationException>(() => store.AppendBatch(Msg.Many("#general", 1)));
        store.Open();
        Assert.Throws<InvalidOperationException>(store.Open);
        store.Dispose();
        Assert.Throws<ObjectDisposedException>(() => store.LastSeq("#general"));
    }

    [Fact]
    public void InDataDirectory_uses_parley_db_in_that_directory()
    {
        using SqliteChatStore store = SqliteChatStore.InDataDirectory(_db.Directory);

        Assert.Equal(_db.FilePath, store.DatabasePath);
    }
}
