using Parley.Protocol;
using Parley.Protocol.Messages;
using Parley.Server.Connections;
using Parley.Server.Moderation;
using Parley.Server.Storage;

namespace Parley.Server.Chat;

/// <summary>
/// A room: its members, topic and sequence counter. Every change and every message goes through
/// <see cref="_gate"/>, so all members see the same order (joins, messages, leaves) and sequence
/// numbers increase by exactly one. Fan-out reads the member array without locking anything else.
/// Moderation (owner, modes, operators, bans, mutes) is in <c>Room.Moderation.cs</c>.
/// </summary>
internal sealed partial class Room
{
    private readonly Lock _gate = new();
    private readonly ServerContext _context;
    private Session[] _members = [];
    private string _topic = string.Empty;
    // The highest sequence number fanned out; messages above it are still in the group commit.
    private ulong _lastDelivered;
    private bool _closed;

    public Room(string name, string key, string topic, ServerContext context)
    {
        Name = name;
        Key = key;
        _topic = topic;
        _context = context;
        _lastDelivered = context.Store.LastSeq(key);
        // Loaded with the room, so that the ban check of every join is a look in memory.
        _rules = RoomRules.From(context.Moderation.LoadRoomModeration(key, context.Time.GetUtcNow().ToUnixTimeMilliseconds()));
    }

    public string Name { get; }

    public string Key { get; }

    public string Topic => Volatile.Read(ref _topic);

    public Session[] Members => Volatile.Read(ref _members);

    /// <summary>
    /// Adds <paramref name="session"/>, replies <see cref="Joined"/> to it and tells every member; or, when a
    /// ban or the invite-only mode keeps it out, replies the error. <see cref="JoinOutcome.Closed"/>: the room
    /// was just emptied and removed; the caller gets a fresh one.
    /// </summary>
    public JoinOutcome TryJoin(Session session, uint requestId, Action<Room> removeWhenEmpty)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return JoinOutcome.Closed;
            }

            if (RefuseJoin(session, requestId))
            {
                // A room made for this join and refused (its stored rules keep the joiner out) has nobody in it.
                if (_members.Length == 0)
                {
                    _closed = true;
                    removeWhenEmpty(this);
                }

                return JoinOutcome.Refused;
            }

            Session[] members = [.. _members, session];
            Volatile.Write(ref _members, members);
            var joined = new Joined { Room = Name, Topic = _topic, LastSeq = _lastDelivered, MemberCount = (uint)members.Length, Modes = _rules.ToModes() };
            int budget = _context.Options.MaxFramePayload - 1024;
            budget -= AddMemberStates(joined.MemberStates, members, budget / 4);
            AddNicks(joined.Members, members, budget);
            session.Connection.Send(FrameWriter.Encode(FrameType.Joined, requestId, joined));
            Broadcast(FrameWriter.Encode(FrameType.Presence, 0, new Presence { Kind = PresenceKind.Joined, Room = Name, Nick = session.Nick }));
            return JoinOutcome.Joined;
        }
    }

    /// <summary>
    /// Removes <paramref name="session"/>. For a part or a kick, every member (the one leaving included)
    /// sees LEFT or KICKED; for a quit, the others see QUIT unless <paramref name="notify"/> is false.
    /// False: it was not a member (any more).
    /// </summary>
    public bool Leave(Session session, Presence presence, bool notify, Action<Room> removeWhenEmpty)
    {
        lock (_gate)
        {
            int index = Array.IndexOf(_members, session);
            if (index < 0)
            {
                return false;
            }

            // A part or kick is seen by the one leaving too (before removal); a quit only by those who stay.
            byte[]? frame = notify ? FrameWriter.Encode(FrameType.Presence, 0, presence) : null;
            bool toLeaverToo = presence.Kind is PresenceKind.Left or PresenceKind.Kicked;
            if (frame is not null && toLeaverToo)
            {
                Broadcast(frame);
            }

            Session[] members = [.. _members.AsSpan(0, index), .. _members.AsSpan(index + 1)];
            Volatile.Write(ref _members, members);
            if (frame is not null && !toLeaverToo)
            {
                Broadcast(frame);
            }

            if (members.Length == 0)
            {
                _closed = true;
                removeWhenEmpty(this);
            }

            return true;
        }
    }

    /// <summary>
    /// Offers a stored message to every member: one encoded frame for all. Called by the group
    /// committer in commit order, so members see sequence numbers in order.
    /// </summary>
    public void Deliver(StoredMessage message)
    {
        byte[] frame = FrameWriter.Encode(FrameType.Delivered, 0, WireMessages.ToDelivered(message, Name));
        lock (_gate)
        {
            _lastDelivered = Math.Max(_lastDelivered, message.Seq);
            Broadcast(frame);
        }
    }

    public void SetTopic(string topic, string by, Session setter, uint requestId)
    {
        lock (_gate)
        {
            Volatile.Write(ref _topic, topic);
            setter.Connection.Send(FrameWriter.Encode(FrameType.Ok, requestId, new Ok()));
            Broadcast(FrameWriter.Encode(FrameType.TopicChanged, 0, new TopicChanged { Room = Name, Topic = topic, By = by }));
        }
    }

    /// <summary>Tells every member that <paramref name="presence"/> happened (a nickname change).</summary>
    public void Announce(Presence presence)
    {
        lock (_gate)
        {
            Broadcast(FrameWriter.Encode(FrameType.Presence, 0, presence));
        }
    }

    /// <summary>Sets the member list without announcing anyone (benchmarks and tests build large rooms this way).</summary>
    internal void Seed(Session[] members)
    {
        lock (_gate)
        {
            Volatile.Write(ref _members, members);
        }
    }

    /// <summary>Adds member nicknames until <paramref name="budget"/> bytes are used, so the reply fits in one frame.</summary>
    public static void AddNicks(ICollection<string> into, Session[] members, int budget)
    {
        foreach (Session member in members)
        {
            string? nick = member.Nick;
            if (nick is null)
            {
                continue;
            }

            budget -= nick.Length * 3 + 2;
            if (budget < 0)
            {
                break;
            }

            into.Add(nick);
        }
    }

    // The same bytes go to every member: one encode, one array, a reference per queue.
    private void Broadcast(byte[] frame)
    {
        Session[] members = _members;
        foreach (Session member in members)
        {
            member.Connection.Send(frame);
        }

        _context.Metrics.Deliveries.Add(members.Length);
    }
}
