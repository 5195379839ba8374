using Parley.Protocol.Messages;

namespace Parley.Client;

// The moderation requests on the current connection; see ParleyConnection.Moderation.cs.
public sealed partial class ParleySession
{
    /// <inheritdoc cref="ParleyConnection.KickAsync"/>
    public Task KickAsync(string room, string nick, string? reason = null, CancellationToken cancellationToken = default) =>
        Current.KickAsync(room, nick, reason, cancellationToken);

    /// <inheritdoc cref="ParleyConnection.BanAsync"/>
    public Task BanAsync(string room, BanTarget target, TimeSpan duration = default, string? reason = null, CancellationToken cancellationToken = default) =>
        Current.BanAsync(room, target, duration, reason, cancellationToken);

    /// <inheritdoc cref="ParleyConnection.UnbanAsync"/>
    public Task UnbanAsync(string room, string mask, CancellationToken cancellationToken = default) =>
        Current.UnbanAsync(room, mask, cancellationToken);

    /// <inheritdoc cref="ParleyConnection.ListBansAsync"/>
    public Task<BanList> ListBansAsync(string room, CancellationToken cancellationToken = default) =>
        Current.ListBansAsync(room, cancellationToken);

    /// <inheritdoc cref="ParleyConnection.MuteAsync"/>
    public Task MuteAsync(string room, string nick, TimeSpan duration = default, CancellationToken cancellationToken = default) =>
        Current.MuteAsync(room, nick, duration, cancellationToken);

    /// <inheritdoc cref="ParleyConnection.UnmuteAsync"/>
    public Task UnmuteAsync(string room, string nick, CancellationToken cancellationToken = default) =>
        Current.UnmuteAsync(room, nick, cancellationToken);

    /// <inheritdoc cref="ParleyConnection.SetRoleAsync"/>
    public Task SetRoleAsync(string room, string nick, MemberRole role, CancellationToken cancellationToken = default) =>
        Current.SetRoleAsync(room, nick, role, cancellationToken);

    /// <inheritdoc cref="ParleyConnection.SetRoomModeAsync"/>
    public Task SetRoomModeAsync(string room, bool? inviteOnly = null, bool? topicLocked = null, CancellationToken cancellationToken = default) =>
        Current.SetRoomModeAsync(room, inviteOnly, topicLocked, cancellationToken);

    /// <inheritdoc cref="ParleyConnection.InviteAsync"/>
    public Task InviteAsync(string room, string nick, CancellationToken cancellationToken = default) =>
        Current.InviteAsync(room, nick, cancellationToken);
}
