using System.Collections.Concurrent;
using Parley.Protocol.Messages;
using Parley.Server.Storage;

namespace Parley.Server.Chat;

/// <summary>The server's shared state: who holds which nickname, and the rooms.</summary>
internal sealed class Hub
{
    private readonly ServerContext _context;
    private readonly ConcurrentDictionary<string, Session> _nicks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Room> _rooms = new(StringComparer.Ordinal);
    // Durable room state (topics) for rooms with no members now: a room object is made from it on the next join.
    private readonly ConcurrentDictionary<string, RoomRecord> _records = new(StringComparer.Ordinal);
    private readonly Action<Room> _removeRoom;
    private long _lastMessageId;

    public Hub(ServerContext context)
    {
        _context = context;
        _removeRoom = room => _rooms.TryRemove(new KeyValuePair<string, Room>(room.Key, room));
        foreach (RoomRecord record in context.Store.LoadRooms())
        {
            _records[record.Key] = record;
        }
    }

    public int RoomCount => _rooms.Count;

    public IEnumerable<Room> Rooms => _rooms.Values;

    public bool TryClaimNick(string key, Session session) => _nicks.TryAdd(key, session);

    public void ReleaseNick(string key, Session session) => _nicks.TryRemove(new KeyValuePair<string, Session>(key, session));

    public Session? FindByNick(string key) => _nicks.GetValueOrDefault(key);

    public Room? FindRoom(string key) => _rooms.GetValueOrDefault(key);

    /// <summary>
    /// Joins the room, creating it if needed (a logged-in creator becomes its owner); replies Joined and tells
    /// the members. Null: a ban or the invite-only mode refused the join, and the session was told.
    /// </summary>
    public Room? Join(string name, string key, Session session, uint requestId)
    {
        while (true)
        {
            Room room = _rooms.GetOrAdd(key, static (k, s) => s.hub.CreateRoom(s.name, k, s.session.Account), (name, hub: this, session));
            switch (room.TryJoin(session, requestId, _removeRoom))
            {
                case JoinOutcome.Joined:
                    return room;
                case JoinOutcome.Refused:
                    return null;
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
    }
}
