using Parley.Client;
using Parley.Protocol.Messages;

namespace Parley.Tui.Tests.Support;

// The moderation requests, recorded as "kick #a bob spam", "ban #a account:x 2h reason", ...
public sealed partial class FakeBackend
{
    /// <summary>What the fake server lists for /bans.</summary>
    public BanList Bans { get; } = new();

    public Task KickAsync(string room, string nick, string reason) => Answer($"kick {room} {nick} {reason}".TrimEnd(), () => true);

    public Task BanAsync(string room, BanTarget target, TimeSpan duration, string reason) =>
        Answer($"ban {Scope(room)} {target} {(duration > TimeSpan.Zero ? Durations.Format(duration) : "forever")} {reason}".TrimEnd(), () => true);

    public Task UnbanAsync(string room, string mask) => Answer($"unban {Scope(room)} {mask}", () => true);

    public Task<BanList> ListBansAsync(string room) => Answer($"bans {Scope(room)}", () => Bans);

    public Task MuteAsync(string room, string nick, TimeSpan duration) =>
        Answer($"mute {room} {nick} {(duration > TimeSpan.Zero ? Durations.Format(duration) : "forever")}", () => true);

    public Task UnmuteAsync(string room, string nick) => Answer($"unmute {room} {nick}", () => true);

    public Task SetRoleAsync(string room, string nick, MemberRole role) => Answer($"role {room} {nick} {role}", () => true);

    public Task SetRoomModeAsync(string room, bool? inviteOnly, bool? topicLocked) =>
        Answer($"mode {room} i={inviteOnly?.ToString() ?? "-"} t={topicLocked?.ToString() ?? "-"}", () => true);

    public Task InviteAsync(string room, string nick) => Answer($"invite {room} {nick}", () => true);

    private static string Scope(string room) => room.Length > 0 ? room : "*";
}
