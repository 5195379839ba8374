using Microsoft.Data.Sqlite;
using Parley.Server.Storage;

namespace Parley.Storage.Sqlite;

/// <summary><see cref="IModerationStore"/>: room owners, modes and operators, bans and mutes (migration 003).</summary>
public sealed partial class SqliteChatStore : IModerationStore
{
    private const string SaveSettingsSql = """
        INSERT INTO room_settings (room_key, owner, invite_only, topic_locked) VALUES ($room, $owner, $invite_only, $topic_locked)
        ON CONFLICT (room_key) DO UPDATE SET
            owner = excluded.owner, invite_only = excluded.invite_only, topic_locked = excluded.topic_locked
        """;

    private const string SaveBanSql = """
        INSERT INTO bans (scope, mask, set_by, reason, created_ms, expires_ms) VALUES ($scope, $mask, $by, $reason, $created, $expires)
        ON CONFLICT (scope, mask) DO UPDATE SET
            set_by = excluded.set_by, reason = excluded.reason, created_ms = excluded.created_ms, expires_ms = excluded.expires_ms
        """;

    private const string SaveMuteSql = """
        INSERT INTO mutes (room_key, mask, set_by, created_ms, expires_ms) VALUES ($scope, $mask, $by, $created, $expires)
        ON CONFLICT (room_key, mask) DO UPDATE SET
            set_by = excluded.set_by, created_ms = excluded.created_ms, expires_ms = excluded.expires_ms
        """;

    // Lapsed entries are never read again (loads filter them); each new one clears them out in its scope.
    private const string PurgeBansSql = "DELETE FROM bans WHERE scope = $scope AND expires_ms <> 0 AND expires_ms <= $now";
    private const string PurgeMutesSql = "DELETE FROM mutes WHERE room_key = $scope AND expires_ms <> 0 AND expires_ms <= $now";

    public RoomModeration LoadRoomModeration(string roomKey, long nowMs) => OnReader(connection =>
    {
        RoomSettings settings = RoomSettings.None;
        using (SqliteCommand command = connection.CreateCommand())
        {
            command.CommandText = "SELECT owner, invite_only, topic_locked FROM room_settings WHERE room_key = $room";
            command.Parameters.AddWithValue("$room", roomKey);
            using SqliteDataReader reader = command.ExecuteReader();
            if (reader.Read())
            {
                settings = new RoomSettings(reader.GetString(0), reader.GetInt64(1) != 0, reader.GetInt64(2) != 0);
            }
        }

        var operators = new List<string>();
        using (SqliteCommand command = connection.CreateCommand())
        {
            command.CommandText = "SELECT account FROM room_operators WHERE room_key = $room ORDER BY account";
            command.Parameters.AddWithValue("$room", roomKey);
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                operators.Add(reader.GetString(0));
            }
        }

        return new RoomModeration(settings, operators, ReadBans(connection, roomKey, nowMs), ReadMutes(connection, roomKey, nowMs));
    });

    public void SaveRoomSettings(string roomKey, RoomSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Write(SaveSettingsSql, p =>
        {
            p.AddWithValue("$room", roomKey);
            p.AddWithValue("$owner", settings.Owner);
            p.AddWithValue("$invite_only", settings.InviteOnly ? 1 : 0);
            p.AddWithValue("$topic_locked", settings.TopicLocked ? 1 : 0);
        });
    }

    public void SetOperator(string roomKey, string account, bool isOperator) => Write(
        isOperator
            ? "INSERT INTO room_operators (room_key, account) VALUES ($room, $account) ON CONFLICT DO NOTHING"
            : "DELETE FROM room_operators WHERE room_key = $room AND account = $account",
        p =>
        {
            p.AddWithValue("$room", roomKey);
            p.AddWithValue("$account", account);
        });

    public void SaveBan(Restriction ban)
    {
        ArgumentNullException.ThrowIfNull(ban);
        SaveRestriction(PurgeBansSql, SaveBanSql, ban);
    }

    public bool DeleteBan(string scope, string mask) =>
        Write("DELETE FROM bans WHERE scope = $scope AND mask = $mask", p =>
        {
            p.AddWithValue("$scope", scope);
            p.AddWithValue("$mask", mask);
        }) > 0;

    public IReadOnlyList<Restriction> LoadBans(string scope, long nowMs) => OnReader(connection => ReadBans(connection, scope, nowMs));

    public void SaveMute(Restriction mute)
    {
        ArgumentNullException.ThrowIfNull(mute);
        SaveRestriction(PurgeMutesSql, SaveMuteSql, mute);
    }

    public bool DeleteMute(string roomKey, string mask) =>
        Write("DELETE FROM mutes WHERE room_key = $room AND mask = $mask", p =>
        {
            p.AddWithValue("$room", roomKey);
            p.AddWithValue("$mask", mask);
        }) > 0;

    private void SaveRestriction(string purgeSql, string saveSql, Restriction r)
    {
        ThrowIfNotOpen();
        InWriteTransaction((connection, transaction) =>
        {
            using SqliteCommand purge = connection.CreateCommand();
            purge.Transaction = transaction;
            purge.CommandText = purgeSql;
            purge.Parameters.AddWithValue("$scope", r.Scope);
            purge.Parameters.AddWithValue("$now", r.CreatedMs);
            purge.ExecuteNonQuery();

            using SqliteCommand save = connection.CreateCommand();
            save.Transaction = transaction;
            save.CommandText = saveSql;
            save.Parameters.AddWithValue("$scope", r.Scope);
            save.Parameters.AddWithValue("$mask", r.Mask);
            save.Parameters.AddWithValue("$by", r.By);
            save.Parameters.AddWithValue("$reason", r.Reason);
            save.Parameters.AddWithValue("$created", r.CreatedMs);
            save.Parameters.AddWithValue("$expires", r.ExpiresMs);
            return save.ExecuteNonQuery();
        });
    }

    /// <summary>One statement in one write transaction; returns the rows it changed.</summary>
    private int Write(string sql, Action<SqliteParameterCollection> bind)
    {
        ThrowIfNotOpen();
        return InWriteTransaction((connection, transaction) =>
        {
            using SqliteCommand command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            bind(command.Parameters);
            return command.ExecuteNonQuery();
        });
    }

    private static List<Restriction> ReadBans(SqliteConnection connection, string scope, long nowMs) => ReadRestrictions(connection, """
        SELECT scope, mask, set_by, reason, created_ms, expires_ms FROM bans
        WHERE scope = $scope AND (expires_ms = 0 OR expires_ms > $now) ORDER BY created_ms, mask
        """, scope, nowMs);

    private static List<Restriction> ReadMutes(SqliteConnection connection, string roomKey, long nowMs) => ReadRestrictions(connection, """
        SELECT room_key, mask, set_by, '', created_ms, expires_ms FROM mutes
        WHERE room_key = $scope AND (expires_ms = 0 OR expires_ms > $now) ORDER BY created_ms, mask
        """, roomKey, nowMs);

    private static List<Restriction> ReadRestrictions(SqliteConnection connection, string sql, string scope, long nowMs)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$scope", scope);
        command.Parameters.AddWithValue("$now", nowMs);
        return Rows(command, r => new Restriction(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4), r.GetInt64(5)));
    }
}
