using System.Globalization;
using Parley.Protocol;
using Parley.Protocol.Messages;
using Parley.Tui.Commands;
using Parley.Tui.Text;

namespace Parley.Tui.Model;

// What a submitted line does: a message, or a slash command.
public sealed partial class ChatModel
{
    /// <summary>Handles one submitted line (Enter), as typed by the user.</summary>
    public void Submit(string line)
    {
        if (line.Length == 0)
        {
            return;
        }

        (string? command, string rest) = CommandTable.Parse(line);
        if (command is null)
        {
            Send(Current, rest, action: false);
            return;
        }

        Run(command, rest);
    }

    private void Run(string command, string args)
    {
        ChatBuffer here = Current;
        switch (command)
        {
            case "join":
                Join(args);
                break;
            case "part":
                Part(args);
                break;
            case "list":
                Then(_backend.ListRoomsAsync(), list => ShowRooms(here, list), ex => Failed(here, "/list", ex));
                break;
            case "msg":
                Msg(args, switchTo: false);
                break;
            case "query":
                Msg(args, switchTo: true);
                break;
            case "reply":
                if (_lastDirectFrom is null)
                {
                    Error(here, "nobody has sent you a direct message yet");
                }
                else if (Usage(args, "reply"))
                {
                    Send(Buffers.Open(BufferKind.Direct, _lastDirectFrom), args, action: false);
                }

                break;
            case "me":
                if (Usage(args, "me"))
                {
                    Send(here, args, action: true);
                }

                break;
            case "nick":
                if (Usage(args, "nick"))
                {
                    Then(_backend.SetNickAsync(CommandTable.FirstWord(args).Word), _ => { }, ex => Failed(here, "/nick", ex));
                }

                break;
            case "topic":
                Topic(args);
                break;
            case "names":
                ListMembers();
                break;
            case "whois":
                if (Usage(args, "whois"))
                {
                    Whois(CommandTable.FirstWord(args).Word);
                }

                break;
            case "away":
                string message = args.Length > 0 ? args : "away";
                Then(
                    _backend.SetAwayAsync(message),
                    () =>
                    {
                        AwayMessage = message;
                        Notice(here, $"you are marked away ({TerminalText.Line(message)})");
                    },
                    ex => Failed(here, "/away", ex));
                break;
            case "back":
                Then(
                    _backend.SetAwayAsync(null),
                    () =>
                    {
                        Notice(here, AwayMessage is null ? "you were not marked away" : "you are back");
                        AwayMessage = null;
                    },
                    ex => Failed(here, "/back", ex));
                break;
            case "clear":
                here.Clear();
                break;
            case "quit":
                // What the user has seen is marked read before the goodbye: the requests go out first, in order.
                UpdateReadMarkers(flush: true);
                Quitting = true;
                _backend.Quit(args.Length > 0 ? args : null);
                break;
            case "help":
                Help(args);
                break;
            default:
                if (!RunModeration(command, args))
                {
                    Error(here, $"unknown command /{TerminalText.Line(command)} (try /help); to send a line starting with /, type //");
                }

                break;
        }
    }

    private bool Usage(string args, string command)
    {
        if (args.Length > 0)
        {
            return true;
        }

        Error(Current, $"usage: {CommandTable.Find(command)!.Usage}");
        return false;
    }

    private void Failed(ChatBuffer buffer, string what, Exception ex) => Error(buffer, $"{what} failed: {Words.Of(ex)}");

    private void Join(string args)
    {
        if (!Usage(args, "join"))
        {
            return;
        }

        string room = CommandTable.FirstWord(args).Word;
        if (!room.StartsWith('#'))
        {
            room = "#" + room;
        }

        if (Buffers.Find(BufferKind.Room, room) is { Joined: true } open)
        {
            Show(open);
            return;
        }

        ChatBuffer here = Current;
        Then(
            _backend.JoinAsync(room),
            joined => OpenJoined(joined, room, "you joined", show: true),
            ex => Failed(here, $"/join {TerminalText.Line(room)}", ex));
    }

    /// <summary>A room joined (by /join, or restored from the account's memberships): its buffer, its notices and its backlog.</summary>
    private void OpenJoined(Joined joined, string room, string what, bool show)
    {
        ChatBuffer buffer = Buffers.Open(BufferKind.Room, joined.Room.Length > 0 ? joined.Room : room);
        buffer.Joined = true;
        buffer.AwaitingRejoin = false;
        buffer.SetMembers(joined.Members, joined.MemberStates);
        buffer.Modes = joined.Modes;
        buffer.AddMember(Nick);
        NoteAway(joined.MemberStates);
        buffer.MemberCount = (int)Math.Max(joined.MemberCount, (uint)joined.Members.Count);
        buffer.Topic = TerminalText.Line(joined.Topic);
        buffer.NoteSeq(joined.LastSeq);
        buffer.ReadSeq = Math.Max(buffer.ReadSeq, joined.ReadSeq);
        // The backlog goes above the join's notices and anything live that beats it here.
        buffer.BacklogAt = buffer.Lines.Count;
        buffer.BacklogThrough = joined.LastSeq;
        Notice(buffer, $"{what} {buffer.Name} ({Words.Count(buffer.MemberCount, "member")})");
        Notice(buffer, buffer.Topic.Length > 0 ? $"topic: {buffer.Topic}" : "no topic");
        if (show)
        {
            Show(buffer);
        }
        else if (joined.LastSeq > joined.ReadSeq && joined.ReadSeq > 0)
        {
            // Not shown: what the user has not read yet counts as unread, as the server keeps it.
            buffer.CountUnread((int)Math.Min(joined.LastSeq - joined.ReadSeq, int.MaxValue));
        }

        LoadBacklog(buffer, joined.ReadSeq);
    }

    private void Part(string args)
    {
        (string first, string after) = CommandTable.FirstWord(args);
        ChatBuffer? buffer = first.StartsWith('#') ? Buffers.Find(BufferKind.Room, first) : Current;
        string reason = first.StartsWith('#') ? after : args;
        if (buffer is null || buffer.Kind != BufferKind.Room)
        {
            if (Current.Kind == BufferKind.Direct && !first.StartsWith('#'))
            {
                Buffers.Close(Current);
                return;
            }

            Error(Current, first.StartsWith('#') ? $"you are not in {TerminalText.Line(first)}" : "this buffer is not a room: /part #room");
            return;
        }

        if (!buffer.Joined)
        {
            Buffers.Close(buffer);
            return;
        }

        Then(
            _backend.PartAsync(buffer.Target, reason),
            () =>
            {
                Buffers.Close(buffer);
                Input.Set(Current.Draft.Text, Current.Draft.Cursor);
                Notice(Buffers.Server, $"you left {buffer.Name}");
            },
            ex => Failed(buffer, "/part", ex));
    }

    private void Msg(string args, bool switchTo)
    {
        (string nick, string text) = CommandTable.FirstWord(args);
        if (nick.Length == 0 || (!switchTo && text.Length == 0))
        {
            Error(Current, $"usage: {CommandTable.Find(switchTo ? "query" : "msg")!.Usage}");
            return;
        }

        if (!ContentRules.TryValidateNick(nick, out string display, out _, out string error))
        {
            Error(Current, $"{TerminalText.Line(nick)} is not a nickname: {error}");
            return;
        }

        ChatBuffer buffer = Buffers.Open(BufferKind.Direct, display);
        if (switchTo)
        {
            Show(buffer);
        }

        if (text.Length > 0)
        {
            Send(buffer, text, action: false);
        }
    }

    private void Topic(string args)
    {
        ChatBuffer here = Current;
        if (here.Kind != BufferKind.Room)
        {
            Error(here, "this buffer is not a room");
            return;
        }

        if (args.Length == 0)
        {
            Notice(here, here.Topic.Length > 0 ? $"topic of {here.Name}: {here.Topic}" : $"{here.Name} has no topic");
            return;
        }

        Then(_backend.SetTopicAsync(here.Target, args == "-" ? string.Empty : args), () => { }, ex => Failed(here, "/topic", ex));
    }
}
