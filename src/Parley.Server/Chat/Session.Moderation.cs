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
}
