using Microsoft.Extensions.Logging;

namespace Parley.Server.Hosting;

/// <summary>What the command line (or a test) hands to <see cref="ParleyServerHost.Build"/>.</summary>
public sealed class ParleyServerSettings
{
    /// <summary>A JSON configuration file (optional). Its keys are <see cref="ServerOptions"/>' property names.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>Listen addresses from flags; when non-empty they replace the configured list rather than merging with it.</summary>
    public IReadOnlyList<string> Listen { get; init; } = [];

    /// <summary>Individual settings from flags, as configuration keys (<c>DataDirectory</c>, <c>MaxConnections</c>), the highest-priority source.</summary>
    public IReadOnlyDictionary<string, string?> Overrides { get; init; } = new Dictionary<string, string?>();

    /// <summary>Whether to read <c>PARLEY__</c> environment variables (tests turn this off for isolation).</summary>
    public bool UseEnvironment { get; init; } = true;

    /// <summary>
    /// Makes the store from the final options (their <see cref="ServerOptions.DataDirectory"/> is set).
    /// Null: an in-memory store that forgets everything on exit. <c>parley serve</c> passes the SQLite store.
    /// </summary>
    public Func<ServerOptions, Storage.IChatStore>? StoreFactory { get; init; }

    /// <summary>The clock; tests pass a fake one.</summary>
    public TimeProvider? Time { get; init; }

    /// <summary>Replaces the default console logging.</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }
}
