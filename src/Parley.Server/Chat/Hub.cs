using System.Collections.Concurrent;
using Parley.Protocol.Messages;
using Parley.Server.Storage;

namespace Parley.Server.Chat;

/// <summary>The server's shared state: who holds which nickname, and the rooms.</summary>
internal sealed partial class Hub
{
    private readonly ServerContext _context;
    private readonly ConcurrentDictionary<string, Session> _nicks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Room> _rooms = new(StringComparer.Ordinal);
    // Durable room state (topics) for rooms with no members now: a room object is made from it on the next join.
    private readonly ConcurrentDictionary<string, RoomRecord> _records = new(StringComparer.Ordinal);
    private readonly Action<Room> _removeRoom;
    // The sessions logged in to each account (an account may be connected several times). Replaced, never mutated, under _accountsGate.
    private readonly ConcurrentDictionary<string, Session[]> _accountSessions = new(StringComparer.Ordinal);
    private readonly Lock _accountsGate = new();
    private long _lastMessageId;

    public Hub(ServerContext context)
    {
        _context = context;
        _removeRoom = room => _rooms.TryRemove(new KeyValuePair<string, Room>(room.Key, room));
        foreach (RoomRecord record in context.Store.LoadRooms())
        {
            _records[record.Key] = record;
            // Rooms from before confusable detection may share a skeleton: the first keeps it, both go on working.
            _roomSkeletons.TryAdd(Protocol.ContentRules.Skeleton(record.Name), record.Key);
        }
    }

    public int RoomCount => _rooms.Count;

    public IEnumerable<Room> Rooms => _rooms.Values;

    public Session? FindByNick(string key) => _nicks.GetValueOrDefault(key);

    public Room? FindRoom(string key) => _rooms.GetValueOrDefault(key);

    /// <summary>The sessions logged in to an account now (empty when it is offline).</summary>
    public Session[] SessionsOf(string accountKey) => _accountSessions.GetValueOrDefault(accountKey) ?? [];

    public void AddAccountSession(string accountKey, Session session)
    {
        lock (_accountsGate)
        {
            _accountSessions[accountKey] = [.. SessionsOf(accountKey), session];
        }
    }

    private void RemoveAccountSession(string accountKey, Session session)
    {
        lock (_accountsGate)
        {
            Session[] rest = [.. SessionsOf(accountKey).Where(s => s != session)];
            if (rest.Length == 0)
            {
                _accountSessions.TryRemove(accountKey, out _);
            }
            else
            {
                _accountSessions[accountKey] = rest;
            }
        }
    }

    /// <summary>
    /// Joins the room, creating it if needed (a logged-in creator becomes its owner); on <see cref="JoinOutcome.Joined"/>
    /// it has replied Joined and told the members (the reply carries <paramref name="readSeq"/>, the session's read
    /// marker). <see cref="JoinOutcome.Refused"/>: a ban or the invite-only mode kept the session out, and it was
    /// told. <see cref="JoinOutcome.Full"/>: the room has its maximum of members. <see cref="JoinOutcome.LooksLike"/>:
    /// there is no such room, and its name is too much like <paramref name="lookalike"/>'s to create it. Nothing
    /// was sent for either of the last two.
    /// </summary>
    public JoinOutcome Join(string name, string key, Session session, uint requestId, ulong readSeq, out Room? joined, out string? lookalike)
    {
        joined = null;
        if (!_rooms.ContainsKey(key) && !_records.ContainsKey(key) && !TryReserveRoomName(name, key, out lookalike))
        {
            return JoinOutcome.LooksLike;
        }

        lookalike = null;
        while (true)
        {
            Room room = _rooms.GetOrAdd(key, static (k, s) => s.hub.CreateRoom(s.name, k, s.session.AccountKey), (name, hub: this, session));
            JoinOutcome outcome = room.TryJoin(session, requestId, readSeq, _context.Options.MaxMembersPerRoom, _removeRoom);
            if (outcome != JoinOutcome.Closed)
            {
                joined = outcome == JoinOutcome.Joined ? room : null;
                return outcome;
            }

            // The room emptied and closed between the lookup and the join: drop it and make a new one.
            _removeRoom(room);
        }
    }

    /// <summary>Ends timed mutes that are over, in every room (the heartbeat calls it).</summary>
    public void ExpireMutes(long nowMs)
    {
        foreach (Room room in _rooms.Values)
        {
            room.ExpireMutes(nowMs);
        }
    }

    /// <summary>Records a room's topic durably, then tells its members.</summary>
    public void SetTopic(Room room, string topic, Session setter, uint requestId)
    {
        var record = new RoomRecord(room.Key, room.Name, topic, setter.Nick ?? string.Empty,
            _records.TryGetValue(room.Key, out RoomRecord? old) ? old.CreatedMs : _context.Time.GetUtcNow().ToUnixTimeMilliseconds());
        lock (_context.StoreWriteGate)
        {
            _context.Store.SaveRoom(record);
        }

        _records[room.Key] = record;
        room.SetTopic(topic, record.TopicSetBy, setter, requestId);
    }

    /// <summary>Takes the session out of the room with <paramref name="presence"/>; false when it was not in it.</summary>
    public bool Leave(Room room, Session session, Presence presence, bool notify) => room.Leave(session, presence, notify, _removeRoom);

    private Room CreateRoom(string name, string key, string? creatorAccount)
    {
        if (_records.TryGetValue(key, out RoomRecord? record))
        {
            return new Room(record.Name, key, record.Topic, _context);
        }

        record = new RoomRecord(key, name, string.Empty, string.Empty, _context.Time.GetUtcNow().ToUnixTimeMilliseconds());
        lock (_context.StoreWriteGate)
        {
            _context.Store.SaveRoom(record);

            // The account that creates a room owns it (docs/PROTOCOL.md "Moderation"); a guest's room has no owner.
            if (creatorAccount is not null)
            {
                _context.Moderation.SaveRoomSettings(key, RoomSettings.None with { Owner = creatorAccount });
            }
        }

        _records[key] = record;
        return new Room(name, key, string.Empty, _context);
    }

    /// <summary>
    /// A server-unique message id that also orders messages in time: Unix milliseconds in the high
    /// bits, a counter in the low 16, never going backwards even if the clock does.
    /// </summary>
    public ulong NextMessageId()
    {
        long candidate = _context.Time.GetUtcNow().ToUnixTimeMilliseconds() << 16;
        while (true)
        {
            long last = Volatile.Read(ref _lastMessageId);
            long next = Math.Max(last + 1, candidate);
            if (Interlocked.CompareExchange(ref _lastMessageId, next, last) == last)
            {
                return (ulong)next;
            }
        }
    }

    /// <summary>The session's connection ended: its rooms are told why, its nickname is freed.</summary>
    public void Disconnect(Session session, QuitReason reason, string message)
    {
        // During shutdown every client is getting a Goodbye anyway; telling each remaining member
        // about each departure would cost members squared frames for nothing.
        bool notify = !_context.Connections.IsShuttingDown;
        foreach (Room room in session.LeaveAll())
        {
            Leave(room, session, new Presence { Kind = PresenceKind.Quit, Room = room.Name, Nick = session.Nick, Reason = reason, Message = message }, notify);
        }

        if (session.NickKey is { } key)
        {
            ReleaseNick(key, session);
        }

        if (session.Account is { } account)
        {
            RemoveAccountSession(account.Key, session);
        }

        ReleaseSkeleton(session);
    }
}
