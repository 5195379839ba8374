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
    /// Adds <paramref name="session"/>, replies <see cref="Joined"/> to it and tells every member.
    /// <paramref name="readSeq"/> is the session's read marker in this room, for the reply.
    /// <see cref="JoinOutcome.Closed"/>: the room was just emptied and removed; the caller gets a fresh one.
    /// <see cref="JoinOutcome.Full"/>: it has <paramref name="maxMembers"/> members already; nothing was sent.
    /// <see cref="JoinOutcome.Refused"/>: a ban or the invite-only mode keeps the session out; it was sent the error.
    /// </summary>
    public JoinOutcome TryJoin(Session session, uint requestId, ulong readSeq, int maxMembers, Action<Room> removeWhenEmpty)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return JoinOutcome.Closed;
            }

            // Under the gate, so concurrent joins can't take the room past its limit. Checked before the
            // moderation rules, so that a refusal for size does not use up an invitation.
            if (_members.Length >= maxMembers)
            {
                return JoinOutcome.Full;
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
            var joined = new Joined
            {
                Room = Name, Topic = _topic, LastSeq = _lastDelivered, MemberCount = (uint)members.Length,
                ReadSeq = Math.Min(readSeq, _lastDelivered), Modes = _rules.ToModes(),
            };
            AddMembers(joined.Members, joined.MemberStates, members, _context.Options.MaxFramePayload - joined.CalculateSize() - ReplyMargin);
            session.Connection.Send(FrameWriter.Encode(FrameType.Joined, requestId, joined));
            Broadcast(FrameWriter.Encode(FrameType.Presence, 0, new Presence { Kind = PresenceKind.Joined, Room = Name, Nick = session.Nick }));
            if (session.AwayMessage is { } away)
            {
                // The members learn that the newcomer is away as they would have had it been here when it went.
                Broadcast(FrameWriter.Encode(FrameType.Presence, 0, new Presence { Kind = PresenceKind.Away, Room = Name, Nick = session.Nick, Message = away }));
            }

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

    /// <summary>Bytes kept free below the frame limit when a reply is filled with members.</summary>
    public const int ReplyMargin = 64;

    /// <summary>
    /// Adds member nicknames, then the states (<see cref="StateOf"/>) of the members listed, while they fit in
    /// <paramref name="budget"/> bytes, so that the reply fits in one frame. Under the lock.
    /// </summary>
    private void AddMembers(ICollection<string> nicks, ICollection<MemberState> states, Session[] members, int budget)
    {
        var listed = new List<Session>(members.Length);
        foreach (Session member in members)
        {
            string? nick = member.Nick;
            if (nick is null)
            {
                continue;
            }

            // A repeated string costs its UTF-8 bytes (at most 3 per UTF-16 unit here), a tag and a length.
            budget -= nick.Length * 3 + 2;
            if (budget < 0)
            {
                return;
            }

            nicks.Add(nick);
            listed.Add(member);
        }

        RoomRules rules = _rules;
        long now = NowMs;
        foreach (Session member in listed)
        {
            if (StateOf(member, rules, now) is not { } state)
            {
                continue;
            }

            budget -= state.CalculateSize() + 3;
            if (budget < 0)
            {
                return;
            }

            states.Add(state);
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

/// <summary>What <see cref="Room.TryJoin"/> and <see cref="Hub.Join"/> did.</summary>
internal enum JoinOutcome
{
    Joined,

    /// <summary>A ban or the invite-only mode kept the session out; it was sent the error.</summary>
    Refused,

    /// <summary>The room had just emptied and closed; join a fresh one.</summary>
    Closed,

    /// <summary>The room has its maximum of members; nothing was sent.</summary>
    Full,

    /// <summary>No such room, and its name is too much like an existing one's to create it; nothing was sent.</summary>
    LooksLike,
}
