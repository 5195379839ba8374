using System.Globalization;
using Parley.Protocol;
using Parley.Protocol.Messages;
using Parley.Server.Connections;
using Parley.Server.Moderation;
using Parley.Server.Storage;

namespace Parley.Server.Chat;

/// <summary>What <see cref="Room.TryJoin"/> did.</summary>
internal enum JoinOutcome
{
    Joined,
    /// <summary>A ban or the invite-only mode kept the session out; it was sent the error.</summary>
    Refused,
    /// <summary>The room had just emptied and closed; join a fresh one.</summary>
    Closed,
}

/// <summary>
/// The room's moderation state (docs/PROTOCOL.md "Moderation"). Every change swaps <see cref="_rules"/> under
/// the room's lock and tells the members in the same critical section, so the change takes its place in the
/// room's one order of events; the store has already been written by then (Session.Moderation.cs).
/// </summary>
internal sealed partial class Room
{
    private RoomRules _rules;

    /// <summary>The rules now; read without a lock (an immutable value swapped whole).</summary>
    public RoomRules Rules => Volatile.Read(ref _rules);

    private long NowMs => _context.Time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The role and state of one member as Joined, Members and MemberChanged show it; null for a plain member.</summary>
    /// <remarks>The one place a <see cref="MemberState"/> is made: the away state joins it here.</remarks>
    public static MemberState? StateOf(Session member, RoomRules rules, long nowMs)
    {
        MemberRole role = rules.RoleOf(member.Account);
        bool muted = rules.MuteOf(member.Account, member.RemoteAddress, nowMs) is not null;
        if (role == MemberRole.Member && !muted)
        {
            return null;
        }

        return new MemberState { Nick = member.Nick ?? string.Empty, Role = role, Muted = muted };
    }

    /// <summary>The reply to Names: members, modes and member states, as of one moment of the room.</summary>
    public Members Describe()
    {
        lock (_gate)
        {
            Session[] members = _members;
            var reply = new Members { Room = Name, MemberCount = (uint)members.Length, Modes = _rules.ToModes() };
            int budget = _context.Options.MaxFramePayload - 1024;
            budget -= AddMemberStates(reply.MemberStates, members, budget / 4);
            AddNicks(reply.Members_, members, budget);
            return reply;
        }
    }

    /// <summary>Changes the owner or modes and tells the members.</summary>
    public void SetSettings(RoomSettings settings, string by)
    {
        lock (_gate)
        {
            Volatile.Write(ref _rules, _rules with { Settings = settings });
            Broadcast(FrameWriter.Encode(FrameType.RoomModeChanged, 0, new RoomModeChanged { Room = Name, Modes = _rules.ToModes(), By = by }));
        }
    }

    /// <summary>Makes an account an operator (or not) and tells the members about each of its sessions here.</summary>
    public void SetOperator(string account, bool isOperator, string by)
    {
        lock (_gate)
        {
            RoomRules rules = _rules;
            Volatile.Write(ref _rules, rules with { Operators = isOperator ? rules.Operators.Add(account) : rules.Operators.Remove(account) });
            AnnounceMembers(m => m.Account == account, by);
        }
    }

    /// <summary>Mutes (or with null, unmutes) what <paramref name="mask"/> matches, and tells the members about each.</summary>
    public void SetMute(BanMask mask, ActiveRestriction? mute, string by)
    {
        lock (_gate)
        {
            RoomRules rules = _rules;
            Volatile.Write(ref _rules, rules with { Mutes = mute is null ? RoomRules.Without(rules.Mutes, mask) : RoomRules.With(rules.Mutes, mute) });
            AnnounceMembers(m => mask.Matches(m.Account, m.RemoteAddress), by);
        }
    }

    /// <summary>Adds a ban; from now on a matching join is refused. The caller removes matching members.</summary>
    public void AddBan(ActiveRestriction ban)
    {
        lock (_gate)
        {
            Volatile.Write(ref _rules, _rules with { Bans = RoomRules.With(_rules.Bans, ban) });
        }
    }

    public void RemoveBan(BanMask mask)
    {
        lock (_gate)
        {
            Volatile.Write(ref _rules, _rules with { Bans = RoomRules.Without(_rules.Bans, mask) });
        }
    }

    /// <summary>
    /// Ends timed mutes whose time has come and tells the members (called each heartbeat). Costs one look at
    /// an empty array for a room without timed mutes.
    /// </summary>
    public void ExpireMutes(long nowMs)
    {
        bool any = false;
        foreach (ActiveRestriction mute in Rules.Mutes)
        {
            any |= !mute.Record.InForceAt(nowMs);
        }

        if (!any)
        {
            return;
        }

        lock (_gate)
        {
            RoomRules rules = _rules;
            ActiveRestriction[] ended = [.. rules.Mutes.Where(m => !m.Record.InForceAt(nowMs))];
            if (ended.Length == 0)
            {
                return;
            }

            Volatile.Write(ref _rules, rules with { Mutes = [.. rules.Mutes.Except(ended)] });
            AnnounceMembers(m => ended.Any(e => e.Mask.Matches(m.Account, m.RemoteAddress)), by: string.Empty);
        }
    }

    /// <summary>Under the lock: refuses a join a ban or the invite-only mode forbids (replying the error). Uses up an invitation.</summary>
    private bool RefuseJoin(Session session, uint requestId)
    {
        bool invited = session.TakeInvite(Key);

        // Administrators may act in every room, so no room keeps them out.
        if (session.IsAdmin)
        {
            return false;
        }

        RoomRules rules = _rules;
        if (rules.BanOf(session.Account, session.RemoteAddress, NowMs) is { } ban)
        {
            session.Connection.Send(ClientConnection.ErrorFrame(ErrorCode.Banned, $"you are banned from {Name}{Describe(ban.Record)}", requestId));
            return true;
        }

        // The owner and operators hold the invitations; they need none themselves.
        if (rules.Settings.InviteOnly && !invited && rules.RoleOf(session.Account) == MemberRole.Member)
        {
            session.Connection.Send(ClientConnection.ErrorFrame(ErrorCode.InviteOnly, $"{Name} is invite-only: ask an operator for an invitation", requestId));
            return true;
        }

        return false;
    }

    /// <summary>" until ...: reason", or less, for an error message about a ban or mute.</summary>
    public static string Describe(Restriction r)
    {
        string until = r.ExpiresMs == 0 ? string.Empty
            : " until " + DateTimeOffset.FromUnixTimeMilliseconds(r.ExpiresMs).ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
        return r.Reason.Length > 0 ? $"{until}: {r.Reason}" : until;
    }

    /// <summary>Under the lock: a MemberChanged for each member <paramref name="which"/> picks.</summary>
    private void AnnounceMembers(Func<Session, bool> which, string by)
    {
        RoomRules rules = _rules;
        long now = NowMs;
        foreach (Session member in _members)
        {
            if (!which(member))
            {
                continue;
            }

            ActiveRestriction? mute = rules.MuteOf(member.Account, member.RemoteAddress, now);
            Broadcast(FrameWriter.Encode(FrameType.MemberChanged, 0, new MemberChanged
            {
                Room = Name, Nick = member.Nick ?? string.Empty, Role = rules.RoleOf(member.Account),
                Muted = mute is not null, MutedUntilMs = mute?.Record.ExpiresMs ?? 0, By = by,
            }));
        }
    }

    /// <summary>Adds the states of members that are not plain, up to <paramref name="budget"/> bytes; returns the bytes used.</summary>
    private int AddMemberStates(ICollection<MemberState> into, Session[] members, int budget)
    {
        RoomRules rules = _rules;
        long now = NowMs;
        int used = 0;
        foreach (Session member in members)
        {
            if (StateOf(member, rules, now) is not { } state)
            {
                continue;
            }

            int size = state.CalculateSize() + 3;
            if (used + size > budget)
            {
                break;
            }

            used += size;
            into.Add(state);
        }

        return used;
    }
}
