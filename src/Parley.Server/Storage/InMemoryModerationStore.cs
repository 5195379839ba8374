namespace Parley.Server.Storage;

/// <summary>
/// Moderation state in memory, lost on exit: for fast tests and throwaway servers. A test that
/// "restarts" a server hands the same instance to the next one.
/// </summary>
public sealed class InMemoryModerationStore : IModerationStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, RoomSettings> _settings = new(StringComparer.Ordinal);
    private readonly HashSet<(string Room, string Account)> _operators = [];
    private readonly Dictionary<(string Scope, string Mask), Restriction> _bans = [];
    private readonly Dictionary<(string Room, string Mask), Restriction> _mutes = [];

    public RoomModeration LoadRoomModeration(string roomKey, long nowMs)
    {
        lock (_gate)
        {
            return new RoomModeration(
                _settings.GetValueOrDefault(roomKey) ?? RoomSettings.None,
                [.. _operators.Where(o => o.Room == roomKey).Select(o => o.Account).Order(StringComparer.Ordinal)],
                InForce(_bans.Values, roomKey, nowMs),
                InForce(_mutes.Values, roomKey, nowMs));
        }
    }

    public void SaveRoomSettings(string roomKey, RoomSettings settings)
    {
        lock (_gate)
        {
            _settings[roomKey] = settings;
        }
    }

    public void SetOperator(string roomKey, string account, bool isOperator)
    {
        lock (_gate)
        {
            _ = isOperator ? _operators.Add((roomKey, account)) : _operators.Remove((roomKey, account));
        }
    }

    public void SaveBan(Restriction ban)
    {
        lock (_gate)
        {
            _bans[(ban.Scope, ban.Mask)] = ban;
        }
    }

    public bool DeleteBan(string scope, string mask)
    {
        lock (_gate)
        {
            return _bans.Remove((scope, mask));
        }
    }

    public IReadOnlyList<Restriction> LoadBans(string scope, long nowMs)
    {
        lock (_gate)
        {
            return InForce(_bans.Values, scope, nowMs);
        }
    }

    public void SaveMute(Restriction mute)
    {
        lock (_gate)
        {
            _mutes[(mute.Scope, mute.Mask)] = mute;
        }
    }

    public bool DeleteMute(string roomKey, string mask)
    {
        lock (_gate)
        {
            return _mutes.Remove((roomKey, mask));
        }
    }

    private static List<Restriction> InForce(IEnumerable<Restriction> all, string scope, long nowMs) =>
        [.. all.Where(r => r.Scope == scope && r.InForceAt(nowMs)).OrderBy(r => r.CreatedMs).ThenBy(r => r.Mask, StringComparer.Ordinal)];
}
