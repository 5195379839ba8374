using Parley.Client;
using Parley.Protocol.Messages;

namespace Parley.Cli.Plain;

// The moderation commands. Each acts on the current room unless its first word names one (#room), or for
// /ban, /unban and /bans, '*' for the whole server (administrators). The server's events show the effect.
internal sealed partial class PlainChat
{
    private static readonly string[] ModerationHelp =
    [
        "-- /kick nick [reason]   remove nick from the room (operators; they may join again)",
        "-- /ban target [duration] [reason]   target: nick, account:NAME or address:IP[/N]; duration: 10m, 2h, 7d ...",
        "-- /unban mask          lift a ban (the mask as /bans lists it)",
        "-- /bans                list the room's bans",
        "-- /mute nick [duration]   refuse nick's messages in the room; /unmute nick",
        "-- /op nick, /deop nick    make nick an operator, or a plain member again (the owner)",
        "-- /mode +i|-i|+t|-t    invite-only, topic locked (operators)",
        "-- /invite nick [#room] invite nick to the room",
        "--   the room commands take #room first for another room; /ban, /unban, /bans take * for the whole server",
    ];

    /// <summary>Runs a moderation command; false when <paramref name="verb"/> is not one.</summary>
    private async Task<bool> ModerateAsync(string verb, string args, CancellationToken cancellationToken)
    {
        switch (verb)
        {
            case "KICK":
            {
                (string room, string rest) = Scope(args, server: false);
                (string nick, string reason) = Split(Required(rest, "/kick nick [reason]"));
                await _session.KickAsync(room, nick, reason, cancellationToken).ConfigureAwait(false);
                return true;
            }

            case "BAN":
            {
                (string room, string rest) = Scope(args, server: true);
                (string what, string after) = Split(Required(rest, "/ban nick|account:NAME|address:IP[/N] [duration] [reason]"));
                if (!BanTarget.TryParse(what, out BanTarget? target))
                {
                    throw new UsageException("usage: /ban nick|account:NAME|address:IP[/N] [duration] [reason]");
                }

                (string first, string rest2) = Split(after);
                (TimeSpan duration, string reason) = Durations.TryParse(first, out TimeSpan d) ? (d, rest2) : (TimeSpan.Zero, after);
                await _session.BanAsync(room, target, duration, reason, cancellationToken).ConfigureAwait(false);
                string how = duration > TimeSpan.Zero ? $" for {Durations.Format(duration)}" : string.Empty;
                _output.Line($"{Where(room)} -- banned {Words.Safe(target.ToString())}{how}");
                return true;
            }

            case "UNBAN":
            {
                (string room, string rest) = Scope(args, server: true);
                string mask = Split(Required(rest, "/unban mask")).Word;
                await _session.UnbanAsync(room, mask, cancellationToken).ConfigureAwait(false);
                _output.Line($"{Where(room)} -- unbanned {Words.Safe(mask)}");
                return true;
            }

            case "BANS":
            {
                (string room, _) = Scope(args, server: true);
                BanList list = await _session.ListBansAsync(room, cancellationToken).ConfigureAwait(false);
                _output.Lines(PlainFormat.Bans(list));
                return true;
            }

            case "MUTE":
            {
                (string room, string rest) = Scope(args, server: false);
                (string nick, string after) = Split(Required(rest, "/mute nick [duration]"));
                TimeSpan duration = TimeSpan.Zero;
                if (after.Length > 0 && !Durations.TryParse(after, out duration))
                {
                    throw new UsageException($"not a duration: {Words.Safe(after)} (10m, 2h, 7d ...)");
                }

                await _session.MuteAsync(room, nick, duration, cancellationToken).ConfigureAwait(false);
                return true;
            }

            case "UNMUTE":
            {
                (string room, string rest) = Scope(args, server: false);
                await _session.UnmuteAsync(room, Split(Required(rest, "/unmute nick")).Word, cancellationToken).ConfigureAwait(false);
                return true;
            }

            case "OP" or "DEOP":
            {
                (string room, string rest) = Scope(args, server: false);
                string nick = Split(Required(rest, $"/{verb.ToLowerInvariant()} nick")).Word;
                await _session.SetRoleAsync(room, nick, verb == "OP" ? MemberRole.Operator : MemberRole.Member, cancellationToken).ConfigureAwait(false);
                return true;
            }

            case "MODE":
            {
                (string room, string rest) = Scope(args, server: false);
                if (!ModeFlags.TryParse(Required(rest, "/mode +i|-i|+t|-t"), out bool? inviteOnly, out bool? topicLocked, out string error))
                {
                    throw new UsageException(error);
                }

                await _session.SetRoomModeAsync(room, inviteOnly, topicLocked, cancellationToken).ConfigureAwait(false);
                return true;
            }

            case "INVITE":
            {
                (string nick, string after) = Split(Required(args, "/invite nick [#room]"));
                string room = after.Length > 0 ? Split(after).Word : CurrentRoom();
                await _session.InviteAsync(room, nick, cancellationToken).ConfigureAwait(false);
                _output.Line($"[{Words.Safe(room)}] -- invited {Words.Safe(nick)}");
                return true;
            }

            default:
                return false;
        }
    }

    /// <summary>The room a command names first (#room, or * for the server when allowed), else the current one.</summary>
    private (string Room, string Args) Scope(string args, bool server)
    {
        (string first, string after) = Split(args);
        return first.StartsWith('#') ? (first, after)
            : server && first == "*" ? (string.Empty, after)
            : (CurrentRoom(), args);
    }

    private static string Where(string room) => room.Length > 0 ? $"[{Words.Safe(room)}]" : "--";
}
