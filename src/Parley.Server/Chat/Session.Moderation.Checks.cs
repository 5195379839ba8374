using Parley.Protocol;
using Parley.Protocol.Messages;
using Parley.Server.Moderation;
using Parley.Server.Storage;

namespace Parley.Server.Chat;

/// <summary>
/// What the moderation requests share: rights and rank, finding the target, expiry arithmetic, writing the
/// store before anything changes, and enforcing bans and mutes (server bans at Hello, room bans and
/// removal, a muted member's Say).
/// </summary>
internal sealed partial class Session
{
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
        target.ForgetMembership(room);
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

    private static string Expiry(long expiresMs) =>
        expiresMs == 0 ? "never" : DateTimeOffset.FromUnixTimeMilliseconds(expiresMs).ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A session as the moderation log names it: nickname, account (or guest) and connection.</summary>
    private static string Who(Session s) => $"{s.Nick ?? "-"} [{s.AccountKey ?? "guest"}{(s.IsAdmin ? ", admin" : string.Empty)}; {s.Connection.Id}]";
}
