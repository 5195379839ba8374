using Microsoft.Data.Sqlite;

namespace Parley.Storage.Sqlite;

/// <summary>The rooms each account is a member of (migration 004).</summary>
public sealed partial class SqliteChatStore
{
    // A rejoin keeps the first join's time (the order Welcome.rooms lists them in) and takes the
    // room's display name as it is now.
    private const string SaveMembershipSql = """
        INSERT INTO memberships (account_key, room_key, room_name, joined_ms) VALUES ($account, $room, $name, $joined)
        ON CONFLICT (account_key, room_key) DO UPDATE SET room_name = excluded.room_name
        """;

    public void SaveMembership(string accountKey, string roomKey, string roomName, long joinedMs)
    {
        ThrowIfNotOpen();
        InWriteTransaction((connection, transaction) => NonQuery(connection, transaction, SaveMembershipSql,
            ("$account", accountKey), ("$room", roomKey), ("$name", roomName), ("$joined", joinedMs)));
    }

    public bool DeleteMembership(string accountKey, string roomKey)
    {
        ThrowIfNotOpen();
        return InWriteTransaction((connection, transaction) => NonQuery(connection, transaction,
            "DELETE FROM memberships WHERE account_key = $account AND room_key = $room", ("$account", accountKey), ("$room", roomKey)) > 0);
    }

    public IReadOnlyList<string> LoadMemberships(string accountKey) => OnReader(connection =>
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT room_name FROM memberships WHERE account_key = $account ORDER BY joined_ms, room_key";
        command.Parameters.AddWithValue("$account", accountKey);
        return Rows(command, r => r.GetString(0));
    });
}
