using Microsoft.Data.Sqlite;
using Parley.Server.Storage;

namespace Parley.Storage.Sqlite;

/// <summary>
/// <see cref="IAccountStore"/> in the same database as the messages: one file to back up, one writer.
/// Reads go through the pooled read-only connections, which in WAL mode see every commit, also those made by
/// another process (<c>parley admin user</c> while the server runs).
/// </summary>
public sealed partial class SqliteChatStore : IAccountStore
{
    private const string AccountColumns = "key, name, password_hash, admin, created_ms";

    public AccountRecord? FindAccount(string key) => OnReader(connection =>
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = $"SELECT {AccountColumns} FROM accounts WHERE key = $key";
        command.Parameters.AddWithValue("$key", key);
        using SqliteDataReader reader = command.ExecuteReader();
        return reader.Read() ? ReadAccount(reader) : null;
    });

    public IReadOnlyList<AccountRecord> ListAccounts() => OnReader(connection =>
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = $"SELECT {AccountColumns} FROM accounts ORDER BY key";
        return Rows(command, ReadAccount);
    });

    public CreateAccountResult CreateAccount(AccountRecord account, string? inviteCodeHash = null)
    {
        ArgumentNullException.ThrowIfNull(account);
        ThrowIfNotOpen();
        return InWriteTransaction((connection, transaction) =>
        {
            if (Execute(connection, transaction, "SELECT count(*) FROM accounts WHERE key = $key", ("$key", account.Key)) is long n && n > 0)
            {
                return CreateAccountResult.Exists;
            }

            // The code goes in the same transaction as the account: used once, or not at all.
            if (inviteCodeHash is not null && NonQuery(connection, transaction, "DELETE FROM invites WHERE code_hash = $code", ("$code", inviteCodeHash)) == 0)
            {
                return CreateAccountResult.InviteNotValid;
            }

            NonQuery(connection, transaction,
                "INSERT INTO accounts (key, name, password_hash, admin, created_ms) VALUES ($key, $name, $hash, $admin, $created)",
                ("$key", account.Key), ("$name", account.Name), ("$hash", account.PasswordHash), ("$admin", account.Admin ? 1 : 0), ("$created", account.CreatedMs));
            return CreateAccountResult.Created;
        });
    }

    public bool SetPasswordHash(string key, string passwordHash, bool revokeTokens)
    {
        ThrowIfNotOpen();
        return InWriteTransaction((connection, transaction) =>
        {
            if (NonQuery(connection, transaction, "UPDATE accounts SET password_hash = $hash WHERE key = $key", ("$hash", passwordHash), ("$key", key)) == 0)
            {
                return false;
            }

            if (revokeTokens)
            {
                NonQuery(connection, transaction, "DELETE FROM resume_tokens WHERE account_key = $key", ("$key", key));
            }

            return true;
        });
    }

    public bool SetAdmin(string key, bool admin)
    {
        ThrowIfNotOpen();
        return InWriteTransaction((connection, transaction) =>
            NonQuery(connection, transaction, "UPDATE accounts SET admin = $admin WHERE key = $key", ("$admin", admin ? 1 : 0), ("$key", key)) > 0);
    }

    public bool DeleteAccount(string key)
    {
        ThrowIfNotOpen();
        // The tokens and memberships go with it (ON DELETE CASCADE; foreign_keys is on for the writer).
        return InWriteTransaction((connection, transaction) =>
            NonQuery(connection, transaction, "DELETE FROM accounts WHERE key = $key", ("$key", key)) > 0);
    }

    public void AddResumeToken(ResumeTokenRecord token)
    {
        ArgumentNullException.ThrowIfNull(token);
        ThrowIfNotOpen();
        InWriteTransaction((connection, transaction) =>
        {
            // Expired tokens of the account are dropped as a new one is made, so the table doesn't only grow.
            NonQuery(connection, transaction, "DELETE FROM resume_tokens WHERE account_key = $key AND expires_ms <= $now",
                ("$key", token.AccountKey), ("$now", token.CreatedMs));
            return NonQuery(connection, transaction,
                "INSERT INTO resume_tokens (token_hash, account_key, created_ms, expires_ms) VALUES ($hash, $key, $created, $expires)",
                ("$hash", token.TokenHash), ("$key", token.AccountKey), ("$created", token.CreatedMs), ("$expires", token.ExpiresMs));
        });
    }

    public ResumeTokenRecord? FindResumeToken(string tokenHash) => OnReader(connection =>
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT token_hash, account_key, created_ms, expires_ms FROM resume_tokens WHERE token_hash = $hash";
        command.Parameters.AddWithValue("$hash", tokenHash);
        using SqliteDataReader reader = command.ExecuteReader();
        return reader.Read() ? new ResumeTokenRecord(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3)) : null;
    });

    public int RevokeResumeTokens(string accountKey, string? tokenHash)
    {
        ThrowIfNotOpen();
        return InWriteTransaction((connection, transaction) => tokenHash is null
            ? NonQuery(connection, transaction, "DELETE FROM resume_tokens WHERE account_key = $key", ("$key", accountKey))
            : NonQuery(connection, transaction, "DELETE FROM resume_tokens WHERE account_key = $key AND token_hash = $hash", ("$key", accountKey), ("$hash", tokenHash)));
    }

    public void AddInvite(InviteRecord invite)
    {
        ArgumentNullException.ThrowIfNull(invite);
        ThrowIfNotOpen();
        InWriteTransaction((connection, transaction) => NonQuery(connection, transaction,
            "INSERT INTO invites (code_hash, created_by, created_ms) VALUES ($code, $by, $created)",
            ("$code", invite.CodeHash), ("$by", invite.CreatedBy), ("$created", invite.CreatedMs)));
    }

    private static AccountRecord ReadAccount(SqliteDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3) != 0, reader.GetInt64(4));

    private static int NonQuery(SqliteConnection connection, SqliteTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using SqliteCommand command = Command(connection, transaction, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private static object? Execute(SqliteConnection connection, SqliteTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using SqliteCommand command = Command(connection, transaction, sql, parameters);
        return command.ExecuteScalar();
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, (string Name, object Value)[] parameters)
    {
        SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach ((string name, object value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
