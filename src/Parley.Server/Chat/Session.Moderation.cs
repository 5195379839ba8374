using Parley.Protocol;
using Parley.Protocol.Messages;
using Parley.Server.Moderation;
using Parley.Server.Storage;

namespace Parley.Server.Chat;

/// <summary>
/// The moderation requests (docs/PROTOCOL.md "Moderation"): Kick, Ban, Unban, ListBans, Mute, SetRole,
/// SetRoomMode, Invite. Each checks the actor's rights, writes the store first (nothing changes if it
/// can't), then changes the room or server in memory, tells those concerned, logs who did what to whom,
/// and replies: the events go out before the <c>Ok</c>.
/// </summary>
internal sealed partial class Session
{
    /// <summary>The longest ban or mute that is not "until lifted"; a longer one is a mistake (or a hostile number).</summary>
    internal static readonly TimeSpan MaxRestriction = TimeSpan.FromDays(3650);

    private void OnKick(uint id, Kick request)
    {
        if (ModeratedRoom(id, request.Room, "Kick") is not { } room
            || MemberNamed(id, room, request.Nick) is not { } target
            || !MayActOn(id, room, target, "Kick"))
        {
            return;
        }

        string reason = ReasonText(request.Reason);
        if (Remove(room, target, reason))
        {
            Log.Kicked(_context.Logger, Who(this), Who(target), room.Name, reason);
        }

        Reply(id, FrameType.Ok, new Ok());
    }

    private void OnBan(uint id, Ban request)
    {
        bool serverWide = request.Room.Length == 0;
        Room? room = null;
        if (serverWide ? !RequireAdmin(id, "Ban") : (room = ModeratedRoom(id, request.Room, "Ban")) is null)
        {
            return;
        }

        if (BanTarget(id, request) is not { } mask || !TryExpiry(id, request.DurationMs, out long now, out long expires))
        {
            return;
        }

        if (mask.Matches(AccountKey, RemoteAddress))
        {
            Reply(id, ErrorCode.InvalidRequest, $"{mask.Text} matches you: refusing to ban yourself");
            return;
        }

        if (room is not null && !MayBan(id, room, mask))
        {
            return;
        }

        var record = new Restriction(room?.Key ?? Restriction.ServerScope, mask.Text, _nick!, ReasonText(request.Reason), now, expires);
        if (!Persist(id, room?.Name ?? "the server", () => _context.Moderation.SaveBan(record)))
        {
            return;
        }

        var ban = new ActiveRestriction(record, mask);
        int removed = room is not null ? BanFromRoom(room, ban) : BanFromServer(ban);
        Log.Banned(_context.Logger, Who(this), mask.Text, room?.Name ?? "the server", Expiry(expires), removed, record.Reason);
        Reply(id, FrameType.Ok, new Ok());
    }

    private void OnUnban(uint id, Unban request)
    {
        bool serverWide = request.Room.Length == 0;
        Room? room = null;
        if (serverWide ? !RequireAdmin(id, "Unban") : (room = ModeratedRoom(id, request.Room, "Unban")) is null)
        {
            return;
        }

        if (!BanMask.TryParse(request.Mask, out BanMask? mask, out string error))
        {
            Reply(id, ErrorCode.InvalidRequest, error);
            return;
        }

        string scope = room?.Key ?? Restriction.ServerScope;
        bool existed = false;
        if (!Persist(id, room?.Name ?? "the server", () => existed = _context.Moderation.DeleteBan(scope, mask.Text)))
        {
            return;
        }

        if (!existed)
        {
            Reply(id, ErrorCode.InvalidRequest, $"no ban of {mask.Text} in {room?.Name ?? "the server"} (ListBans shows them)");
            return;
        }

        if (room is not null)
        {
            room.RemoveBan(mask);
        }
        else
        {
            _context.ServerBans.Remove(mask);
        }

        Log.Unbanned(_context.Logger, Who(this), mask.Text, room?.Name ?? "the server");
        Reply(id, FrameType.Ok, new Ok());
    }

    private void OnListBans(uint id, ListBans request)
    {
        bool serverWide = request.Room.Length == 0;
        Room? room = null;
        if (serverWide ? !RequireAdmin(id, "ListBans") : (room = ModeratedRoom(id, request.Room, "ListBans")) is null)
        {
            return;
        }

        long now = NowMs;
        var reply = new BanList { Room = room?.Name ?? string.Empty };
        int budget = _context.Options.MaxFramePayload - 1024;
        foreach (ActiveRestriction ban in room?.Rules.Bans ?? _context.ServerBans.All)
        {
            if (!ban.Record.InForceAt(now))
            {
                continue;
            }

            Restriction r = ban.Record;
            var entry = new BanEntry { Mask = r.Mask, By = r.By, Reason = r.Reason, CreatedMs = r.CreatedMs, ExpiresMs = r.ExpiresMs };
            budget -= entry.CalculateSize() + 4;
            if (budget < 0)
            {
                break;
            }

            reply.Bans.Add(entry);
        }

        Reply(id, FrameType.BanList, reply);
    }

    private void OnMute(uint id, Mute request)
    {
        if (ModeratedRoom(id, request.Room, "Mute") is not { } room
            || MemberNamed(id, room, request.Nick) is not { } target
            || !MayActOn(id, room, target, "Mute"))
        {
            return;
        }

        if (target.IdentityMask is not { } mask)
        {
            Reply(id, ErrorCode.InvalidRequest, $"{target.Nick} has neither an account nor a known address to mute");
            return;
        }

        if (request.Unmute)
        {
            bool existed = false;
            if (!Persist(id, room.Name, () => existed = _context.Moderation.DeleteMute(room.Key, mask.Text)))
            {
                return;
            }

            if (!existed)
            {
                Reply(id, ErrorCode.InvalidRequest, $"{target.Nick} is not muted in {room.Name}");
                return;
            }

            room.SetMute(mask, null, _nick!);
            Log.MuteChanged(_context.Logger, Who(this), "unmuted", Who(target), mask.Text, room.Name, "-");
            Reply(id, FrameType.Ok, new Ok());
            return;
        }

        if (!TryExpiry(id, request.DurationMs, out long now, out long expires))
        {
            return;
        }

        var record = new Restriction(room.Key, mask.Text, _nick!, string.Empty, now, expires);
        if (!Persist(id, room.Name, () => _context.Moderation.SaveMute(record)))
        {
            return;
        }

        room.SetMute(mask, new ActiveRestriction(record, mask), _nick!);
        Log.MuteChanged(_context.Logger, Who(this), "muted", Who(target), mask.Text, room.Name, Expiry(expires));
        Reply(id, FrameType.Ok, new Ok());
    }

    private void OnSetRole(uint id, SetRole request)
    {
        if (ModeratedRoom(id, request.Room, "SetRole", Rank.Owner) is not { } room
            || MemberNamed(id, room, request.Nick) is not { } target)
        {
            return;
        }

        string? account = target.AccountKey;
        string? refusal = request.Role is not (MemberRole.Member or MemberRole.Operator) ? "SetRole gives the roles MEMBER and OPERATOR (the owner is the room's creator)"
            : account is null ? $"{target.Nick} is a guest: roles belong to accounts"
            : account == room.Rules.Settings.Owner ? $"{target.Nick} owns {room.Name}: the owner's role is fixed"
            : null;
        if (refusal is not null)
        {
            Reply(id, ErrorCode.InvalidRequest, refusal);
            return;
        }

        bool isOperator = request.Role == MemberRole.Operator;
        if (!Persist(id, room.Name, () => _context.Moderation.SetOperator(room.Key, account!, isOperator)))
        {
            return;
        }

        room.SetOperator(account!, isOperator, _nick!);
        Log.RoleChanged(_context.Logger, Who(this), Who(target), account!, request.Role, room.Name);
        Reply(id, FrameType.Ok, new Ok());
    }

    private void OnSetRoomMode(uint id, SetRoomMode request)
    {
        if (ModeratedRoom(id, request.Room, "SetRoomMode") is not { } room)
        {
            return;
        }

        RoomSettings old = room.Rules.Settings;
        RoomSettings settings = old with
        {
            InviteOnly = request.HasInviteOnly ? request.InviteOnly : old.InviteOnly,
            TopicLocked = request.HasTopicLocked ? request.TopicLocked : old.TopicLocked,
        };
        if (settings != old)
        {
            if (!Persist(id, room.Name, () => _context.Moderation.SaveRoomSettings(room.Key, settings)))
            {
                return;
            }

            room.SetSettings(settings, _nick!);
            Log.RoomModesChanged(_context.Logger, Who(this), room.Name, settings.InviteOnly, settings.TopicLocked);
        }

        Reply(id, FrameType.Ok, new Ok());
    }

    private void OnInvite(uint id, Invite request)
    {
        if (RequireMembership(id, request.Room) is not { } room)
        {
            return;
        }

        // In an open room an invitation is only a nudge, and any member may send one.
        if (room.Rules.Settings.InviteOnly && RankIn(room.Rules) < Rank.Operator)
        {
            Refuse(id, "Invite", room, $"{room.Name} is invite-only: only its operators may invite");
            return;
        }

        if (OnlineNamed(id, request.Nick) is not { } target)
        {
            return;
        }

        if (Array.IndexOf(room.Members, target) >= 0)
        {
            Reply(id, ErrorCode.AlreadyInRoom, $"{target.Nick} is already in {room.Name}");
            return;
        }

        target.AddInvite(room.Key);
        target.Connection.Send(FrameWriter.Encode(FrameType.Invited, 0, new Invited { Room = room.Name, By = _nick }));
        Log.InvitedToRoom(_context.Logger, Who(this), Who(target), room.Name);
        Reply(id, FrameType.Ok, new Ok());
    }

    /// <summary>
    /// At Hello, once the login (if any) has succeeded: a server ban of <paramref name="accountKey"/> (null for a
    /// guest) or of the address closes the connection (Error BANNED, request id 0).
    /// </summary>
    private bool RefuseIfServerBanned(string? accountKey)
    {
        if (_context.ServerBans.Match(accountKey, RemoteAddress, NowMs) is not { } ban)
        {
            return false;
        }

        Log.ServerBanEnforced(_context.Logger, Connection.Id, accountKey ?? "guest", RemoteAddress?.ToString(), "refused at hello", ban.Mask.Text);
        Connection.Close(QuitReason.Banned, Connections.ClientConnection.ErrorFrame(
            ErrorCode.Banned, $"you are banned from this server{Room.Describe(ban.Record)}"), discardData: true, message: ban.Record.Reason);
        return true;
    }

    /// <summary>Under a new room ban: kicks the members it matches (administrators excepted). Returns how many.</summary>
    private int BanFromRoom(Room room, ActiveRestriction ban)
    {
        room.AddBan(ban);
        int removed = 0;
        string why = ban.Record.Reason.Length > 0 ? $"banned: {ban.Record.Reason}" : "banned";
        foreach (Session member in room.Members)
        {
            if (!member.IsAdmin && ban.Mask.Matches(member.AccountKey, member.RemoteAddress) && Remove(room, member, why))
            {
                removed++;
            }
        }

        return removed;
    }

    /// <summary>Under a new server ban: every matching connection gets Goodbye BANNED and is closed. Returns how many.</summary>
    private int BanFromServer(ActiveRestriction ban)
    {
        _context.ServerBans.Add(ban);
        string why = ban.Record.Reason.Length > 0 ? $"banned from this server: {ban.Record.Reason}" : "banned from this server";
        byte[] goodbye = FrameWriter.Encode(FrameType.Goodbye, 0, new Goodbye { Reason = QuitReason.Banned, Message = why });
        int removed = 0;
        foreach (Connections.ClientConnection connection in _context.Connections.Live)
        {
            Session s = connection.Session;
            if (s != this && ban.Mask.Matches(s.AccountKey, s.RemoteAddress) && !connection.IsClosing)
            {
                Log.ServerBanEnforced(_context.Logger, connection.Id, s.Nick ?? "-", s.RemoteAddress?.ToString(), "disconnected", ban.Mask.Text);
                connection.Close(QuitReason.Banned, goodbye, discardData: true, message: ban.Record.Reason);
                removed++;
            }
        }

        return removed;
    }

    /// <summary>Takes <paramref name="target"/> out of the room; the room, the target included, sees KICKED.</summary>
    private bool Remove(Room room, Session target, string reason)
    {
        var presence = new Presence { Kind = PresenceKind.Kicked, Room = room.Name, Nick = target.Nick, Message = reason, By = _nick };
        if (!_context.Hub.Leave(room, target, presence, notify: true))
        {
            return false;
        }

        target.ForgetRoom(room);
        return true;
    }

    /// <summary>The mask a Ban names: exactly one of nick (an online user: its account, or a guest's address), account, address.</summary>
    private BanMask? BanTarget(uint id, Ban request)
    {
        int given = (request.Nick.Length > 0 ? 1 : 0) + (request.Account.Length > 0 ? 1 : 0) + (request.Address.Length > 0 ? 1 : 0);
        if (given != 1)
        {
            Reply(id, ErrorCode.InvalidRequest, "a ban names exactly one of nick, account and address");
            return null;
        }

        BanMask? mask;
        string error;
        if (request.Nick.Length > 0)
        {
            if (OnlineNamed(id, request.Nick) is not { } target)
            {
                return null;
            }

            mask = target.IdentityMask;
            error = $"{target.Nick} has neither an account nor a known address to ban";
        }
        else if (request.Account.Length > 0)
        {
            BanMask.TryAccount(request.Account, out mask, out error);
        }
        else
        {
            BanMask.TryAddress(request.Address, out mask, out error);
        }

        if (mask is null)
        {
            Reply(id, ErrorCode.InvalidRequest, error);
        }

        return mask;
    }

    /// <summary>An operator may not ban what matches the owner or another operator (or an account with a role).</summary>
    private bool MayBan(uint id, Room room, BanMask mask)
    {
        RoomRules rules = room.Rules;
        Rank mine = RankIn(rules);
        if (mine == Rank.Admin)
        {
            return true;
        }

        bool outranked = mask.IsAccount && (Rank)(int)rules.RoleOf(mask.Text[BanMask.AccountPrefix.Length..]) >= mine;
        foreach (Session member in room.Members)
        {
            outranked |= !member.IsAdmin && mask.Matches(member.AccountKey, member.RemoteAddress) && RankOf(member, rules) >= mine;
        }

        if (outranked)
        {
            Refuse(id, "Ban", room, $"{mask.Text} matches someone whose role is not below yours");
            return false;
        }

        return true;
    }

    /// <summary>The room of a moderation request: valid, joined by the actor, and the actor holds at least <paramref name="needed"/> there.</summary>
    private Room? ModeratedRoom(uint id, string roomName, string request, Rank needed = Rank.Operator)
    {
        if (RequireMembership(id, roomName) is not { } room)
        {
            return null;
        }

        if (RankIn(room.Rules) < needed)
        {
            Refuse(id, request, room, needed == Rank.Owner
                ? $"only the owner of {room.Name} (or a server administrator) may do that"
                : $"you are not an operator of {room.Name}");
            return null;
        }

        return room;
    }

    /// <summary>Operators act on plain members only; the owner on everyone but administrators; administrators on all.</summary>
    private bool MayActOn(uint id, Room room, Session target, string request)
    {
        RoomRules rules = room.Rules;
        if (IsAdmin || RankIn(rules) > RankOf(target, rules))
        {
            return true;
        }

        Refuse(id, request, room, $"{target.Nick}'s role in {room.Name} is not below yours");
        return false;
    }

    private bool RequireAdmin(uint id, string request)
    {
        if (IsAdmin)
        {
            return true;
        }

        Log.ModerationRefused(_context.Logger, Who(this), request, "the server", "not an administrator");
        Reply(id, ErrorCode.NotAuthorized, "only server administrators may act on the whole server (name a room)");
        return false;
    }

    private void Refuse(uint id, string request, Room room, string why)
    {
        Log.ModerationRefused(_context.Logger, Who(this), request, room.Name, why);
        Reply(id, ErrorCode.NotAuthorized, why);
    }

    /// <summary>A member of <paramref name="room"/> by nickname; replies NO_SUCH_USER otherwise.</summary>
    private Session? MemberNamed(uint id, Room room, string nick)
    {
        if (OnlineNamed(id, nick) is not { } target)
        {
            return null;
        }

        if (Array.IndexOf(room.Members, target) < 0)
        {
            Reply(id, ErrorCode.NoSuchUser, $"{target.Nick} is not in {room.Name}");
            return null;
        }

        return target;
    }

    private Session? OnlineNamed(uint id, string nick)
    {
        if (ContentRules.TryValidateNick(nick, out _, out string key, out _) && _context.Hub.FindByNick(key) is { } target)
        {
            return target;
        }

        Reply(id, ErrorCode.NoSuchUser, $"no user {ContentRules.NeutralizeText(nick)} is online");
        return null;
    }

    /// <summary>Checks a client's duration (never trusted: at most <see cref="MaxRestriction"/>) and turns it into an expiry; 0 stays 0.</summary>
    private bool TryExpiry(uint id, ulong durationMs, out long nowMs, out long expiresMs)
    {
        nowMs = NowMs;
        expiresMs = 0;
        if (durationMs > (ulong)MaxRestriction.TotalMilliseconds)
        {
            Reply(id, ErrorCode.InvalidRequest, $"a duration is at most {MaxRestriction.TotalDays:0} days (0: until lifted)");
            return false;
        }

        expiresMs = durationMs == 0 ? 0 : nowMs + (long)durationMs;
        return true;
    }

    /// <summary>Writes the store; when it can't, replies STORE_UNAVAILABLE and nothing changes.</summary>
    private bool Persist(uint id, string scope, Action write)
    {
        try
        {
            lock (_context.StoreWriteGate)
            {
                write();
            }

            return true;
        }
        catch (StoreUnavailableException ex)
        {
            Log.ModerationNotStored(_context.Logger, Who(this), scope, ex.Message);
            Reply(id, ErrorCode.StoreUnavailable, $"the change was not stored, so not made: {ex.Message}");
            return false;
        }
    }

    private bool RefuseWhileMuted(uint id, Room room)
    {
        // Every message passes here: a room without mutes costs one look at an empty array.
        RoomRules rules = room.Rules;
        if (rules.Mutes.IsEmpty || rules.MuteOf(AccountKey, RemoteAddress, NowMs) is not { } mute)
        {
            return false;
        }

        Reply(id, ErrorCode.Muted, $"you are muted in {room.Name}{Room.Describe(mute.Record)}");
        return true;
    }

    private Rank RankIn(RoomRules rules) => RankOf(this, rules);

    private static Rank RankOf(Session session, RoomRules rules) => session.IsAdmin ? Rank.Admin : (Rank)(int)rules.RoleOf(session.AccountKey);

    private long NowMs => _context.Time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Neutralised, then cut: a stand-in for a control character is longer than the character.</summary>
    private static string ReasonText(string reason) => Truncate(ContentRules.NeutralizeText(reason), ProtocolConstants.MaxReasonBytes);

    private static string Expiry(long expiresMs) =>
        expiresMs == 0 ? "never" : DateTimeOffset.FromUnixTimeMilliseconds(expiresMs).ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A session as the moderation log names it: nickname, account (or guest) and connection.</summary>
    private static string Who(Session s) => $"{s.Nick ?? "-"} [{s.AccountKey ?? "guest"}{(s.IsAdmin ? ", admin" : string.Empty)}; {s.Connection.Id}]";
}
