using Parley.Protocol;
using Parley.Protocol.Messages;

namespace Parley.Client;

// The moderation requests (docs/PROTOCOL.md "Moderation"). Each completes with the server's Ok, after the
// events it caused for this connection; a refusal throws ParleyRequestException (NOT_AUTHORIZED, ...).
public sealed partial class ParleyConnection
{
    /// <summary>Removes <paramref name="nick"/> from <paramref name="room"/>; the room sees KICKED with the reason.</summary>
    public Task KickAsync(string room, string nick, string? reason = null, CancellationToken cancellationToken = default) =>
        RequestAsync<Ok>(FrameType.Kick, new Kick { Room = room, Nick = nick, Reason = reason ?? string.Empty }, cancellationToken);

    /// <summary>
    /// Bans <paramref name="target"/> from <paramref name="room"/>, or with an empty room (administrators) from the
    /// server; <paramref name="duration"/> zero means until unbanned. Matching members are removed.
    /// </summary>
    public Task BanAsync(string room, BanTarget target, TimeSpan duration = default, string? reason = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        return RequestAsync<Ok>(FrameType.Ban, target.ToBan(room, duration, reason), cancellationToken);
    }

    /// <summary>Lifts a ban: <paramref name="mask"/> as <see cref="ListBansAsync"/> lists it (<c>account:NAME</c>, <c>address:IP/N</c>).</summary>
    public Task UnbanAsync(string room, string mask, CancellationToken cancellationToken = default) =>
        RequestAsync<Ok>(FrameType.Unban, new Unban { Room = room, Mask = mask }, cancellationToken);

    /// <summary>The bans of <paramref name="room"/>, or with an empty room (administrators) of the server.</summary>
    public Task<BanList> ListBansAsync(string room, CancellationToken cancellationToken = default) =>
        RequestAsync<BanList>(FrameType.ListBans, new ListBans { Room = room }, cancellationToken);

    /// <summary>Mutes <paramref name="nick"/> in <paramref name="room"/>; <paramref name="duration"/> zero means until unmuted.</summary>
    public Task MuteAsync(string room, string nick, TimeSpan duration = default, CancellationToken cancellationToken = default) =>
        RequestAsync<Ok>(FrameType.Mute, new Mute { Room = room, Nick = nick, DurationMs = (ulong)Math.Max(0, (long)duration.TotalMilliseconds) }, cancellationToken);

    public Task UnmuteAsync(string room, string nick, CancellationToken cancellationToken = default) =>
        RequestAsync<Ok>(FrameType.Mute, new Mute { Room = room, Nick = nick, Unmute = true }, cancellationToken);

    /// <summary>Makes <paramref name="nick"/> an operator of <paramref name="room"/>, or a plain member again (the owner, administrators).</summary>
    public Task SetRoleAsync(string room, string nick, MemberRole role, CancellationToken cancellationToken = default) =>
        RequestAsync<Ok>(FrameType.SetRole, new SetRole { Room = room, Nick = nick, Role = role }, cancellationToken);

    /// <summary>Changes the room's modes; a null leaves that mode as it is.</summary>
    public Task SetRoomModeAsync(string room, bool? inviteOnly = null, bool? topicLocked = null, CancellationToken cancellationToken = default)
    {
        var request = new SetRoomMode { Room = room };
        if (inviteOnly is { } i)
        {
            request.InviteOnly = i;
        }

        if (topicLocked is { } t)
        {
            request.TopicLocked = t;
        }

        return RequestAsync<Ok>(FrameType.SetRoomMode, request, cancellationToken);
    }

    /// <summary>Invites <paramref name="nick"/> to <paramref name="room"/>; it receives an <see cref="InvitedEvent"/>.</summary>
    public Task InviteAsync(string room, string nick, CancellationToken cancellationToken = default) =>
        RequestAsync<Ok>(FrameType.Invite, new Invite { Room = room, Nick = nick }, cancellationToken);
}
