using System.Globalization;
using System.Reflection;
using Microsoft.Data.Sqlite;

namespace Parley.Storage.Sqlite.Migrations;

/// <summary>One numbered script: applying it takes the schema from <c>Version - 1</c> to <see cref="Version"/>.</summary>
internal sealed record Migration(int Version, string Name, string Sql);

/// <summary>
/// The embedded scripts <c>Migrations/NNN_name.sql</c>, applied in order, each in its own transaction
/// together with <c>PRAGMA user_version = NNN</c>, so a crash mid-way leaves the database at the last
/// complete version and the next start carries on from there.
/// </summary>
/// <remarks>
/// Numbers are unique and increasing but may leave gaps: features developed side by side reserve their
/// numbers (issue 4's moderation took 004), and a gap is a number not taken yet. A database is at the
/// number of the last script applied to it.
/// </remarks>
internal static class SchemaMigrations
{
    private const string ResourcePrefix = "Parley.Storage.Sqlite.Migrations.";

    public static IReadOnlyList<Migration> All { get; } = Load();

    /// <summary>The schema version this code reads and writes: the last script's number.</summary>
    public static int LatestVersion => All.Count == 0 ? 0 : All[^1].Version;

    public static int UserVersion(SqliteConnection connection, SqliteTransaction? transaction = null)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>Brings the database to <see cref="LatestVersion"/>; refuses one newer than that.</summary>
    public static void Apply(SqliteConnection connection, string path)
    {
        int initial = UserVersion(connection);
        ThrowIfNewer(initial, path);
        foreach (Migration migration in All.Where(m => m.Version > initial))
        {
            // BEGIN IMMEDIATE, then look again: another process opening the same file may have migrated
            // between our first look and taking the write lock.
            using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
            int current = UserVersion(connection, transaction);
            ThrowIfNewer(current, path);
            if (current >= migration.Version)
            {
                continue;
            }

            using SqliteCommand command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = migration.Sql;
            command.ExecuteNonQuery();

            // PRAGMA takes no parameters; the version is our own integer, not input.
            command.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA user_version = {migration.Version};");
            command.ExecuteNonQuery();
            transaction.Commit();
        }
    }

    /// <summary>For a read-only open, which can't migrate: the version must be exactly the latest.</summary>
    public static void RequireLatest(SqliteConnection connection, string path)
    {
        int current = UserVersion(connection);
        ThrowIfNewer(current, path);
        if (current < LatestVersion)
        {
            throw new UnsupportedSchemaVersionException(path, current, LatestVersion,
                "A read-only open can't migrate it; open it once read-write (start the server) first.");
        }
    }

    private static void ThrowIfNewer(int current, string path)
    {
        if (current > LatestVersion)
        {
            throw new UnsupportedSchemaVersionException(path, current, LatestVersion,
                "It was written by a newer Parley; refusing to open it rather than risk damaging it. Run that newer version, or restore a backup.");
        }
    }

    private static List<Migration> Load()
    {
        Assembly assembly = typeof(SchemaMigrations).Assembly;
        var migrations = new List<Migration>();
        foreach (string resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            string name = resource[ResourcePrefix.Length..];
            int underscore = name.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(name.AsSpan(0, underscore), NumberStyles.None, CultureInfo.InvariantCulture, out int version))
            {
                throw new InvalidOperationException($"Migration script '{name}' is not named NNN_description.sql.");
            }

            using Stream stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            migrations.Add(new Migration(version, name, reader.ReadToEnd()));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (int i = 0; i < migrations.Count; i++)
        {
            // user_version is the number of the last script applied, so a duplicate number (or a 0) is a build mistake.
            if (migrations[i].Version < 1 || (i > 0 && migrations[i].Version == migrations[i - 1].Version))
            {
                throw new InvalidOperationException($"Migration scripts must have distinct numbers from 1 up; found '{migrations[i].Name}' at position {i + 1}.");
            }
        }

        return migrations;
    }
}
