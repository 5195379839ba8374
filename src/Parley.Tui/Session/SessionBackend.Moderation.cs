using Parley.Client;
using Parley.Protocol.Messages;

namespace Parley.Tui.Session;

// As the other requests: async methods, so that a synchronous throw reaches the model as a faulted task.
public sealed partial class SessionBackend
{
    public async Task KickAsync(string room, string nick, string reason) =>
        await _session.KickAsync(room, nick, reason).ConfigureAwait(false);

    public async Task BanAsync(string room, BanTarget target, TimeSpan duration, string reason) =>
        await _session.BanAsync(room, target, duration, reason).ConfigureAwait(false);

    public async Task UnbanAsync(string room, string mask) => await _session.UnbanAsync(room, mask).ConfigureAwait(false);

    public async Task<BanList> ListBansAsync(string room) => await _session.ListBansAsync(room).ConfigureAwait(false);

    public async Task MuteAsync(string room, string nick, TimeSpan duration) =>
        await _session.MuteAsync(room, nick, duration).ConfigureAwait(false);

    public async Task UnmuteAsync(string room, string nick) => await _session.UnmuteAsync(room, nick).ConfigureAwait(false);

    public async Task SetRoleAsync(string room, string nick, MemberRole role) =>
        await _session.SetRoleAsync(room, nick, role).ConfigureAwait(false);

    public async Task SetRoomModeAsync(string room, bool? inviteOnly, bool? topicLocked) =>
        await _session.SetRoomModeAsync(room, inviteOnly, topicLocked).ConfigureAwait(false);

    public async Task InviteAsync(string room, string nick) => await _session.InviteAsync(room, nick).ConfigureAwait(false);
}
