namespace Parley.Server.Storage;

/// <summary>
/// How long room history is kept (issue 5, docs/OPERATIONS.md "Retention"). The default keeps
/// everything forever. Direct-message conversations are not subject to it.
/// </summary>
/// <remarks>
/// Deleting never frees a sequence number: the next message still gets the room's last + 1, so a client
/// resuming from an old number sees a jump, not a reused number. A retried send is recognised by its
/// client message id only while the original is kept.
/// </remarks>
public sealed class RetentionOptions
{
    /// <summary>Limits for every room not listed in <see cref="Rooms"/>. Default: none.</summary>
    public RetentionLimits Default { get; set; } = new();

    /// <summary>
    /// Limits by room name (<c>#general</c>, or <c>general</c>, which is easier to write in an environment
    /// variable; matched as room names are, ignoring case and width). A room listed here uses its own
    /// limits only, never <see cref="Default"/>'s: an empty entry (<c>{}</c>) keeps all of that room's history.
    /// </summary>
    public Dictionary<string, RetentionLimits> Rooms { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// How often the limits are applied. Default hourly; the first pass runs a minute after start. Each pass
    /// costs a few reads and one small transaction per room, so far shorter periods are pointless.
    /// </summary>
    public TimeSpan Period { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// About how many messages one deletion step removes. Each step is one transaction holding the store's
    /// write lock, which stalls every send for its duration, so a large backlog (limits set for the first
    /// time on a big room) is removed in many short steps. Default 10,000 (tens of milliseconds).
    /// </summary>
    public int DeleteBatchSize { get; set; } = 10_000;

    /// <summary>
    /// The store's key for a room name as written in <see cref="Rooms"/>: <c>#</c> added when missing,
    /// then validated and keyed as the server keys room names.
    /// </summary>
    internal static bool TryRoomKey(string name, out string key, out string error)
    {
        string room = name.StartsWith('#') ? name : "#" + name;
        return Protocol.ContentRules.TryValidateRoom(room, out _, out key, out error);
    }

    /// <summary><see cref="Rooms"/> by room key; entries that are not room names are left out (validation reports them).</summary>
    internal Dictionary<string, RetentionLimits> RoomsByKey()
    {
        var byKey = new Dictionary<string, RetentionLimits>(StringComparer.Ordinal);
        foreach ((string name, RetentionLimits limits) in Rooms)
        {
            if (TryRoomKey(name, out string key, out _))
            {
                byKey[key] = limits;
            }
        }

        return byKey;
    }
}

/// <summary>A room's retention limits; null means no limit of that kind.</summary>
public sealed class RetentionLimits
{
    /// <summary>Messages older than this are deleted (<c>30.00:00:00</c>: 30 days). Must be positive.</summary>
    public TimeSpan? MaxAge { get; set; }

    /// <summary>Only the newest this many messages are kept. At least 1.</summary>
    public int? MaxCount { get; set; }

    internal bool IsSet => MaxAge is not null || MaxCount is not null;
}
