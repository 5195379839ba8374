using Parley.Client;
using Parley.Protocol.Messages;

namespace Parley.Cli.Plain;

internal sealed partial class PlainChat
{
    private static readonly string[] Help =
    [
        "-- /join #room          join a room (or switch to one you are in); it becomes the current room",
        "-- /part [#room] [why]  leave the current room or #room",
        "-- /msg nick text       send a direct message",
        "-- /me action           an action in the current room",
        "-- /nick name           change nickname",
        "-- /topic [text]        show or set the current room's topic",
        "-- /names [#room]       list a room's members",
        "-- /list                list rooms",
        "-- /away [message]      mark yourself away (the rooms see it); /back ends it",
        "-- /whois nick          who nick is: shared rooms, away, connected and idle time",
        "-- /quit [message]      leave (so does end of input)",
        "-- //text               say a line that starts with '/'",
    ];

    private const int MaxSendAttempts = 5;

    // The room plain lines go to: the last one joined or switched to.
    private string? _room;

    private sealed record Quit(string? Message);

    /// <summary>Thrown for a command that can't be sent as typed; printed as a local error line.</summary>
    private sealed class UsageException(string message) : Exception(message);

    private async Task<Quit?> HandleAsync(string line, CancellationToken cancellationToken)
    {
        if (line.Length == 0)
        {
            return null;
        }

        try
        {
            if (line[0] != '/' || line.StartsWith("//", StringComparison.Ordinal))
            {
                string text = line[0] == '/' ? line[1..] : line;
                string room = CurrentRoom();
                await PacedAsync(ct => _session.SayAsync(room, text, action: false, ct), cancellationToken).ConfigureAwait(false);
                return null;
            }

            (string verb, string rest) = Split(line[1..]);
            switch (verb.ToUpperInvariant())
            {
                case "QUIT":
                    return new Quit(rest.Length > 0 ? rest : null);
                case "JOIN":
                    await JoinAsync(rest, cancellationToken).ConfigureAwait(false);
                    break;
                case "PART":
                    await PartAsync(rest, cancellationToken).ConfigureAwait(false);
                    break;
                case "MSG":
                    (string to, string text) = Split(rest);
                    if (to.Length == 0 || text.Length == 0)
                    {
                        throw new UsageException("usage: /msg nick text");
                    }

                    await PacedAsync(ct => _session.WhisperAsync(to, text, action: false, ct), cancellationToken).ConfigureAwait(false);
                    break;
                case "ME":
                    string actionRoom = CurrentRoom();
                    string action = Required(rest, "/me action");
                    await PacedAsync(ct => _session.SayAsync(actionRoom, action, action: true, ct), cancellationToken).ConfigureAwait(false);
                    break;
                case "NICK":
                    string held = await _session.SetNickAsync(Required(rest, "/nick name"), cancellationToken).ConfigureAwait(false);
                    _output.Line($"-- you are now known as {Words.Safe(held)}");
                    break;
                case "TOPIC":
                    await TopicAsync(rest, cancellationToken).ConfigureAwait(false);
                    break;
                case "NAMES":
                    Members members = await _session.NamesAsync(rest.Length > 0 ? Split(rest).Word : CurrentRoom(), cancellationToken).ConfigureAwait(false);
                    _output.Line(PlainFormat.Members(members.Room, members.Members_, members.MemberCount));
                    break;
                case "LIST":
                    RoomList list = await _session.ListRoomsAsync(cancellationToken).ConfigureAwait(false);
                    _output.Lines([$"-- rooms ({Math.Max(list.RoomCount, (uint)list.Rooms.Count)}):", .. list.Rooms.Select(PlainFormat.Room)]);
                    break;
                case "AWAY":
                    await _session.SetAwayAsync(rest.Length > 0 ? rest : "away", cancellationToken).ConfigureAwait(false);
                    _output.Line($"-- you are marked away ({Words.Safe(rest.Length > 0 ? rest : "away")})");
                    break;
                case "BACK":
                    await _session.SetAwayAsync(null, cancellationToken).ConfigureAwait(false);
                    _output.Line("-- you are back");
                    break;
                case "WHOIS":
                    WhoisInfo info = await _session.WhoisAsync(Split(Required(rest, "/whois nick")).Word, cancellationToken).ConfigureAwait(false);
                    _output.Line(PlainFormat.Whois(info, DateTimeOffset.UtcNow));
                    break;
                case "HELP":
                    _output.Lines([.. Help, .. ModerationHelp]);
                    break;
                default:
                    if (!await ModerateAsync(verb.ToUpperInvariant(), rest, cancellationToken).ConfigureAwait(false))
                    {
                        throw new UsageException($"unknown command /{verb} (try /help)");
                    }

                    break;
            }
        }
        catch (UsageException ex)
        {
            _output.Line(PlainFormat.LocalError(ex.Message));
        }
        catch (ParleyRequestException ex)
        {
            _output.Line(PlainFormat.Error(ex));
        }
        catch (ParleyTimeoutException ex)
        {
            _output.Line(PlainFormat.LocalError(ex.Message));
        }
        catch (ParleyConnectionException ex)
        {
            _output.Line(PlainFormat.LocalError(Words.Safe(ex.Message)));
        }

        return null;
    }

    private async Task JoinAsync(string args, CancellationToken cancellationToken)
    {
        string room = Split(Required(args, "/join #room")).Word;
        if (room[0] != '#')
        {
            room = "#" + room;
        }

        if (_session.TryGetRoom(room, out RoomSnapshot known))
        {
            _room = known.Name;
            _output.Line($"-- now talking in {Words.Safe(known.Name)}");
            return;
        }

        Joined joined = await _session.JoinAsync(room, cancellationToken).ConfigureAwait(false);
        _room = joined.Room.Length > 0 ? joined.Room : room;
        _output.Lines(
        [
            PlainFormat.Members(_room, joined.Members, joined.MemberCount),
            .. joined.Topic.Length > 0 ? [PlainFormat.Topic(_room, joined.Topic)] : Array.Empty<string>(),
        ]);
    }

    private async Task PartAsync(string args, CancellationToken cancellationToken)
    {
        (string first, string after) = Split(args);
        (string room, string reason) = first.StartsWith('#') ? (first, after) : (CurrentRoom(), args);
        await _session.PartAsync(room, reason, cancellationToken).ConfigureAwait(false);
        if (_room is not null && !_session.TryGetRoom(_room, out _))
        {
            _room = _session.Rooms.LastOrDefault()?.Name;
            if (_room is not null)
            {
                _output.Line($"-- now talking in {Words.Safe(_room)}");
            }
        }
    }

    private async Task TopicAsync(string text, CancellationToken cancellationToken)
    {
        string room = CurrentRoom();
        if (text.Length > 0)
        {
            await _session.SetTopicAsync(room, text, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            _output.Line(PlainFormat.Topic(room, _session.TryGetRoom(room, out RoomSnapshot known) ? known.Topic : string.Empty));
        }
    }

    /// <summary>
    /// Sends a message, waiting out <c>RATE_LIMITED</c> refusals as the server asks: a line typed (or piped
    /// in by a script) is delivered late rather than lost. Reading further input waits meanwhile.
    /// </summary>
    private static async Task PacedAsync(Func<CancellationToken, Task> send, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await send(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (ParleyRequestException ex) when (ex.Code == ErrorCode.RateLimited && ex.RetryAfter is { } wait && attempt < MaxSendAttempts)
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // Before any /join, the last room the session is in: one the server remembered for the account, say.
    private string CurrentRoom() => _room ?? _session.Rooms.LastOrDefault()?.Name ?? throw new UsageException("no current room; /join #room first");

    private static string Required(string value, string usage) =>
        value.Length > 0 ? value : throw new UsageException($"usage: {usage}");

    /// <summary>The first word and the rest, trimmed.</summary>
    private static (string Word, string After) Split(string text)
    {
        text = text.TrimStart();
        int space = text.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (text, string.Empty) : (text[..space], text[(space + 1)..].Trim());
    }
}
