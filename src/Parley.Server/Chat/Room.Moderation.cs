using System.Globalization;
using Parley.Protocol;
using Parley.Protocol.Messages;
using Parley.Server.Connections;
using Parley.Server.Moderation;
using Parley.Server.Storage;

namespace Parley.Server.Chat;

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

    /// <summary>
    /// What <c>member_states</c> says about a member (docs/PROTOCOL.md, "Moderation"): its role, whether it is
    /// muted, its away message; null for a plain member that is here.
    /// </summary>
    /// <remarks>The one place a <see cref="MemberState"/> is made.</remarks>
    public static MemberState? StateOf(Session member, RoomRules rules, long nowMs)
    {
        MemberRole role = rules.RoleOf(member.AccountKey);
        bool muted = rules.MuteOf(member.AccountKey, member.RemoteAddress, nowMs) is not null;
        string? away = member.AwayMessage;
        if ((role == MemberRole.Member && !muted && away is null) || member.Nick is not { } nick)
        {
            return null;
        }

        return new MemberState { Nick = nick, Role = role, Muted = muted, AwayMessage = away ?? string.Empty };
    }

    /// <summary>The reply to Names: members, modes and member states, as of one moment of the room.</summary>
    public Members Describe()
    {
        lock (_gate)
        {
            Session[] members = _members;
            var reply = new Members { Room = Name, MemberCount = (uint)members.Length, Modes = _rules.ToModes() };
            AddMembers(reply.Members_, reply.MemberStates, members, _context.Options.MaxFramePayload - reply.CalculateSize() - ReplyMargin);
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
            AnnounceMembers(m => m.AccountKey == account, by);
        }
    }

    /// <summary>Mutes (or with null, unmutes) what <paramref name="mask"/> matches, and tells the members about each.</summary>
    public void SetMute(BanMask mask, ActiveRestriction? mute, string by)
    {
        lock (_gate)
        {
            RoomRules rules = _rules;
            Volatile.Write(ref _rules, rules with { Mutes = mute is null ? RoomRules.Without(rules.Mutes, mask) : RoomRules.With(rules.Mutes, mute) });
            AnnounceMembers(m => mask.Matches(m.AccountKey, m.RemoteAddress), by);
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
            AnnounceMembers(m => ended.Any(e => e.Mask.Matches(m.AccountKey, m.RemoteAddress)), by: string.Empty);
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
        if (rules.BanOf(session.AccountKey, session.RemoteAddress, NowMs) is { } ban)
        {
            session.Connection.Send(ClientConnection.ErrorFrame(ErrorCode.Banned, $"you are banned from {Name}{Describe(ban.Record)}", requestId));
            return true;
        }

        // The owner and operators hold the invitations; they need none themselves.
        if (rules.Settings.InviteOnly && !invited && rules.RoleOf(session.AccountKey) == MemberRole.Member)
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

            ActiveRestriction? mute = rules.MuteOf(member.AccountKey, member.RemoteAddress, now);
            Broadcast(FrameWriter.Encode(FrameType.MemberChanged, 0, new MemberChanged
            {
                Room = Name, Nick = member.Nick ?? string.Empty, Role = rules.RoleOf(member.AccountKey),
                Muted = mute is not null, MutedUntilMs = mute?.Record.ExpiresMs ?? 0, By = by,
            }));
        }
    }
}
