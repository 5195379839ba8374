using Parley.Client;
using Parley.Protocol.Messages;

namespace Parley.Tui.Model;

/// <summary>The moderation requests (docs/PROTOCOL.md "Moderation"); an empty room means the whole server where the protocol allows it.</summary>
public partial interface IChatBackend
{
    Task KickAsync(string room, string nick, string reason);

    /// <summary><paramref name="duration"/> zero: until unbanned.</summary>
    Task BanAsync(string room, BanTarget target, TimeSpan duration, string reason);

    Task UnbanAsync(string room, string mask);

    Task<BanList> ListBansAsync(string room);

    /// <summary><paramref name="duration"/> zero: until unmuted.</summary>
    Task MuteAsync(string room, string nick, TimeSpan duration);

    Task UnmuteAsync(string room, string nick);

    Task SetRoleAsync(string room, string nick, MemberRole role);

    /// <summary>A null leaves that mode as it is.</summary>
    Task SetRoomModeAsync(string room, bool? inviteOnly, bool? topicLocked);

    Task InviteAsync(string room, string nick);
}
