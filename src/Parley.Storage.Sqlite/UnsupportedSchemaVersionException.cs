namespace Parley.Storage.Sqlite;

/// <summary>
/// The database's schema version (<c>PRAGMA user_version</c>) is one this code can't use: written by a
/// newer Parley, or (when opened read-only) older and not yet migrated. The file is left untouched.
/// </summary>
public sealed class UnsupportedSchemaVersionException : Exception
{
    public UnsupportedSchemaVersionException() { }

    public UnsupportedSchemaVersionException(string message) : base(message) { }

    public UnsupportedSchemaVersionException(string message, Exception? inner) : base(message, inner) { }

    internal UnsupportedSchemaVersionException(string path, int databaseVersion, int supportedVersion, string advice)
        : base($"{path} has schema version {databaseVersion}; this build of Parley uses version {supportedVersion}. {advice}")
    {
        DatabaseVersion = databaseVersion;
        SupportedVersion = supportedVersion;
    }

    /// <summary>The database's <c>user_version</c>.</summary>
    public int DatabaseVersion { get; }

    /// <summary>The newest schema version this code knows.</summary>
    public int SupportedVersion { get; }
}
