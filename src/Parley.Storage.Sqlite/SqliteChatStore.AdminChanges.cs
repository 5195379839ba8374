using Microsoft.Data.Sqlite;
using Parley.Server.Storage;

namespace Parley.Storage.Sqlite;

/// <summary>Changes made by <c>parley admin</c> for a running server to apply (migration 004).</summary>
public sealed partial class SqliteChatStore
{
    private const int KeptAdminChanges = 1000;

    public void NoteAdminChange(string kind, string subject, long atMs)
    {
        ThrowIfNotOpen();
        InWriteTransaction((connection, transaction) =>
        {
            NonQuery(connection, transaction, "INSERT INTO admin_changes (kind, subject, at_ms) VALUES ($kind, $subject, $at)",
                ("$kind", kind), ("$subject", subject), ("$at", atMs));
            return NonQuery(connection, transaction, "DELETE FROM admin_changes WHERE id <= (SELECT max(id) FROM admin_changes) - $kept",
                ("$kept", KeptAdminChanges));
        });
    }

    public IReadOnlyList<AdminChange> AdminChangesAfter(long id) => OnReader(connection =>
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT id, kind, subject, at_ms FROM admin_changes WHERE id > $id ORDER BY id LIMIT $kept";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$kept", KeptAdminChanges);
        return Rows(command, r => new AdminChange(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetInt64(3)));
    });

    public long LastAdminChangeId() => OnReader(connection =>
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT coalesce(max(id), 0) FROM admin_changes";
        return (long)command.ExecuteScalar()!;
    });
}
