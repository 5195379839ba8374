using Parley.Client;
using Parley.Protocol.Messages;
using Parley.Tui.Commands;
using Parley.Tui.Text;

namespace Parley.Tui.Model;

// Moderation (docs/PROTOCOL.md "Moderation"): the commands, and how kicks, modes, roles, mutes and
// invitations show. A room command acts on the room shown unless its first word names one (#room);
// /ban, /unban and /bans in the server buffer, or with '*' first, act on the whole server (administrators).
public sealed partial class ChatModel
{
    /// <summary>Runs a moderation command; false when <paramref name="command"/> is not one.</summary>
    private bool RunModeration(string command, string args)
    {
        switch (command)
        {
            case "kick":
                if (Scope(command, args, server: false) is var (room, where, rest) && Usage(rest, command))
                {
                    (string nick, string reason) = CommandTable.FirstWord(rest);
                    Then(_backend.KickAsync(room, nick, reason), () => { }, ex => Failed(where, "/kick", ex));
                }

                break;
            case "ban":
                Ban(args);
                break;
            case "unban":
                if (Scope(command, args, server: true) is var (unbanRoom, unbanWhere, mask) && Usage(mask, command))
                {
                    string what = CommandTable.FirstWord(mask).Word;
                    Then(_backend.UnbanAsync(unbanRoom, what), () => Notice(unbanWhere, $"ban of {TerminalText.Line(what)} lifted"), ex => Failed(unbanWhere, "/unban", ex));
                }

                break;
            case "bans":
                if (Scope(command, args, server: true) is var (bansRoom, bansWhere, _))
                {
                    Then(_backend.ListBansAsync(bansRoom), list => ShowBans(bansWhere, list), ex => Failed(bansWhere, "/bans", ex));
                }

                break;
            case "mute":
                Mute(args);
                break;
            case "unmute":
                if (Scope(command, args, server: false) is var (unmuteRoom, unmuteWhere, who) && Usage(who, command))
                {
                    Then(_backend.UnmuteAsync(unmuteRoom, CommandTable.FirstWord(who).Word), () => { }, ex => Failed(unmuteWhere, "/unmute", ex));
                }

                break;
            case "op" or "deop":
                if (Scope(command, args, server: false) is var (roleRoom, roleWhere, target) && Usage(target, command))
                {
                    MemberRole role = command == "op" ? MemberRole.Operator : MemberRole.Member;
                    Then(_backend.SetRoleAsync(roleRoom, CommandTable.FirstWord(target).Word, role), () => { }, ex => Failed(roleWhere, $"/{command}", ex));
                }

                break;
            case "mode":
                if (Scope(command, args, server: false) is var (modeRoom, modeWhere, flags) && Usage(flags, command))
                {
                    if (!ModeFlags.TryParse(flags, out bool? inviteOnly, out bool? topicLocked, out string error))
                    {
                        Error(modeWhere, error);
                        break;
                    }

                    Then(_backend.SetRoomModeAsync(modeRoom, inviteOnly, topicLocked), () => { }, ex => Failed(modeWhere, "/mode", ex));
                }

                break;
            case "invite":
                Invite(args);
                break;
            default:
                return false;
        }

        return true;
    }

    private void Ban(string args)
    {
        if (Scope("ban", args, server: true) is not var (room, where, rest) || !Usage(rest, "ban"))
        {
            return;
        }

        (string what, string after) = CommandTable.FirstWord(rest);
        if (!BanTarget.TryParse(what, out BanTarget? target))
        {
            Error(where, $"usage: {CommandTable.Find("ban")!.Usage}");
            return;
        }

        (string first, string reasonAfter) = CommandTable.FirstWord(after);
        (TimeSpan duration, string reason) = Durations.TryParse(first, out TimeSpan d) ? (d, reasonAfter) : (TimeSpan.Zero, after);
        string scope = room.Length > 0 ? TerminalText.Line(room) : "the server";
        string how = duration > TimeSpan.Zero ? $" for {Durations.Format(duration)}" : string.Empty;
        Then(_backend.BanAsync(room, target, duration, reason), () => Notice(where, $"banned {TerminalText.Line(target.ToString())} from {scope}{how}"),
            ex => Failed(where, "/ban", ex));
    }

    private void Mute(string args)
    {
        if (Scope("mute", args, server: false) is not var (room, where, rest) || !Usage(rest, "mute"))
        {
            return;
        }

        (string nick, string after) = CommandTable.FirstWord(rest);
        TimeSpan duration = TimeSpan.Zero;
        if (after.Length > 0 && !Durations.TryParse(CommandTable.FirstWord(after).Word, out duration))
        {
            Error(where, $"not a duration: {TerminalText.Line(after)} (10m, 2h, 7d ...)");
            return;
        }

        Then(_backend.MuteAsync(room, nick, duration), () => { }, ex => Failed(where, "/mute", ex));
    }

    private void Invite(string args)
    {
        (string nick, string after) = CommandTable.FirstWord(args);
        if (!Usage(nick, "invite"))
        {
            return;
        }

        string? room = after.Length > 0 ? CommandTable.FirstWord(after).Word : Current.Kind == BufferKind.Room ? Current.Target : null;
        if (room is null)
        {
            Error(Current, "this buffer is not a room: /invite nick #room");
            return;
        }

        ChatBuffer where = Buffers.Find(BufferKind.Room, room) ?? Current;
        Then(_backend.InviteAsync(room, nick), () => Notice(where, $"invited {TerminalText.Line(nick)} to {TerminalText.Line(room)}"), ex => Failed(where, "/invite", ex));
    }

    /// <summary>
    /// The room a command acts on, the buffer its replies go to, and the rest of its arguments; the room is ""
    /// for the whole server. Null (after an error line) when there is none.
    /// </summary>
    private (string Room, ChatBuffer Where, string Args)? Scope(string command, string args, bool server)
    {
        (string first, string after) = CommandTable.FirstWord(args);
        if (first.StartsWith('#'))
        {
            return (first, Buffers.Find(BufferKind.Room, first) ?? Current, after);
        }

        if (server && (first == "*" || Current.Kind == BufferKind.Server))
        {
            return (string.Empty, Current, first == "*" ? after : args);
        }

        if (Current.Kind == BufferKind.Room)
        {
            return (Current.Target, Current, args);
        }

        Error(Current, $"this buffer is not a room: /{command} #room ...");
        return null;
    }

    private void ShowBans(ChatBuffer where, BanList list)
    {
        string scope = list.Room.Length > 0 ? TerminalText.Line(list.Room) : "the server";
        Notice(where, list.Bans.Count == 0 ? $"no bans in {scope}" : $"bans in {scope} ({list.Bans.Count}):");
        foreach (BanEntry ban in list.Bans)
        {
            string until = ban.ExpiresMs > 0 ? $", until {Timestamp(DateTimeOffset.FromUnixTimeMilliseconds(ban.ExpiresMs))}" : string.Empty;
            string reason = ban.Reason.Length > 0 ? $": {TerminalText.Line(ban.Reason)}" : string.Empty;
            Notice(where, $"  {TerminalText.Line(ban.Mask)} by {TerminalText.Line(ban.By)}{until}{reason}");
        }
    }

    private void OnKicked(ChatBuffer buffer, Presence p)
    {
        string nick = TerminalText.Line(p.Nick), by = TerminalText.Line(p.By);
        string why = p.Message.Length > 0 ? $" ({TerminalText.Line(p.Message)})" : string.Empty;
        if (Names.Same(p.Nick, Nick))
        {
            // Out of the room: the session stops rejoining it, lines typed for it fail, /join goes back (unless banned).
            buffer.Joined = false;
            buffer.AwaitingRejoin = false;
            buffer.SetMembers([]);
            Add(buffer, new ChatLine(Now, LineKind.Error, p.Nick, $"you were kicked from {buffer.Name} by {by}{why} (/join {buffer.Name} to return)"), ring: true);
            FailOutbox(b => b == buffer, "kicked from the room");
            return;
        }

        if (buffer.RemoveMember(p.Nick))
        {
            buffer.MemberCount = Math.Max(0, buffer.MemberCount - 1);
        }

        Add(buffer, new ChatLine(Now, LineKind.Left, p.Nick, $"{nick} was kicked by {by}{why}"));
    }

    private void OnRoomModeChanged(RoomModeChanged m)
    {
        if (Buffers.Find(BufferKind.Room, m.Room) is not { } buffer)
        {
            return;
        }

        buffer.Modes = m.Modes;
        var words = new List<string>();
        if (m.Modes?.InviteOnly == true)
        {
            words.Add("invite-only");
        }

        if (m.Modes?.TopicLocked == true)
        {
            words.Add("topic locked");
        }

        string state = words.Count > 0 ? string.Join(", ", words) : "open";
        Notice(buffer, $"{TerminalText.Line(m.By)} set mode {ModeFlags.Format(m.Modes)} on {buffer.Name} ({state})");
    }

    private void OnMemberChanged(MemberChanged m)
    {
        if (Buffers.Find(BufferKind.Room, m.Room) is not { } buffer)
        {
            return;
        }

        MemberMark old = buffer.MarkOf(m.Nick);
        DateTimeOffset? until = !m.Muted ? null : m.MutedUntilMs > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(m.MutedUntilMs) : DateTimeOffset.MaxValue;
        buffer.SetMark(m.Nick, new MemberMark(m.Role, until));
        bool me = Names.Same(m.Nick, Nick);
        string nick = me ? "you" : TerminalText.Line(m.Nick), by = m.By.Length > 0 ? TerminalText.Line(m.By) : "the server";
        if (old.Role != m.Role)
        {
            string role = m.Role switch
            {
                MemberRole.Owner => "the owner",
                MemberRole.Operator => "an operator",
                _ => "a plain member",
            };
            Notice(buffer, $"{by} made {nick} {role} of {buffer.Name}");
        }

        if (old.MutedUntil != until)
        {
            Notice(buffer, until is null
                ? m.By.Length > 0 ? $"{by} unmuted {nick}" : $"the mute of {nick} has ended"
                : until == DateTimeOffset.MaxValue ? $"{by} muted {nick}"
                : $"{by} muted {nick} until {Timestamp(until.Value)}");
        }
    }

    private void OnInvited(Invited i)
    {
        string text = $"{TerminalText.Line(i.By)} invites you to {TerminalText.Line(i.Room)} (/join {TerminalText.Line(i.Room)})";
        Add(Buffers.Server, new ChatLine(Now, LineKind.Notice, i.By, text), ring: true);
        if (Current != Buffers.Server)
        {
            Notice(Current, text);
        }
    }
}
