using Parley.Protocol.Messages;
using Parley.Tui.Text;

namespace Parley.Tui.Model;

// Moderation events (docs/PROTOCOL.md, "Moderation"): kicks, room modes, roles and mutes, invitations.
public sealed partial class ChatModel
{
    private void OnKicked(ChatBuffer? buffer, Presence p)
    {
        if (buffer is null)
        {
            return;
        }

        if (buffer.RemoveMember(p.Nick))
        {
            buffer.MemberCount = Math.Max(0, buffer.MemberCount - 1);
        }

        string by = TerminalText.Line(p.By);
        string reason = p.Message.Length > 0 ? $" ({TerminalText.Line(p.Message)})" : string.Empty;
        if (!Names.Same(p.Nick, Nick))
        {
            Add(buffer, new ChatLine(Now, LineKind.Left, p.Nick, $"{TerminalText.Line(p.Nick)} was kicked by {by}{reason}"));
            return;
        }

        // Out of the room: the session stops rejoining it, lines typed for it fail, /join goes back (unless banned).
        buffer.Joined = false;
        buffer.AwaitingRejoin = false;
        buffer.SetMembers([]);
        Add(buffer, new ChatLine(Now, LineKind.Error, p.By, $"you were kicked from {buffer.Name} by {by}{reason}; /join {buffer.Name} to go back"), ring: true);
        FailOutbox(b => b == buffer, "kicked from the room");
    }

    private void OnRoomModes(RoomModeChanged change)
    {
        if (Buffers.Find(BufferKind.Room, change.Room) is not { } buffer)
        {
            return;
        }

        buffer.Modes = change.Modes;
        RoomModes modes = change.Modes ?? new RoomModes();
        string join = modes.InviteOnly ? "invite-only" : "open to anyone";
        string topic = modes.TopicLocked ? "topic set by operators only" : "topic set by any member";
        Notice(buffer, $"{TerminalText.Line(change.By)} set the modes of {buffer.Name}: {join}, {topic}");
    }

    private void OnMemberChanged(MemberChanged change)
    {
        if (Buffers.Find(BufferKind.Room, change.Room) is not { } buffer)
        {
            return;
        }

        MemberRole role = buffer.RoleOf(change.Nick);
        bool muted = buffer.IsMuted(change.Nick);
        buffer.SetRole(change.Nick, change.Role);
        buffer.SetMuted(change.Nick, change.Muted);
        string by = TerminalText.Line(change.By);
        string who = Names.Same(change.Nick, Nick) ? "you" : TerminalText.Line(change.Nick);
        if (role != change.Role)
        {
            string what = change.Role switch
            {
                MemberRole.Owner => "the owner",
                MemberRole.Operator => "an operator",
                _ => "a plain member",
            };
            Notice(buffer, $"{by} made {who} {what}");
        }

        if (muted != change.Muted)
        {
            string until = change.MutedUntilMs > 0 ? $" until {Timestamp(DateTimeOffset.FromUnixTimeMilliseconds(change.MutedUntilMs))}" : string.Empty;
            Notice(buffer, change.Muted ? $"{by} muted {who}{until}" : $"{by} unmuted {who}");
        }
    }

    private void OnInvited(Invited invitation)
    {
        string room = TerminalText.Line(invitation.Room);
        string text = $"{TerminalText.Line(invitation.By)} invited you to {room} (/join {room})";
        Notice(Buffers.Server, text);
        if (Current != Buffers.Server)
        {
            Notice(Current, text);
        }
    }

    /// <summary>The member list's mark for a role, as IRC clients show it: <c>~</c> the owner, <c>@</c> an operator.</summary>
    public static string RoleMark(MemberRole role) => role switch
    {
        MemberRole.Owner => "~",
        MemberRole.Operator => "@",
        _ => string.Empty,
    };
}
