using System.Globalization;
using Parley.Protocol.Messages;
using Parley.Tui.Commands;
using Parley.Tui.Text;

namespace Parley.Tui.Model;

// Commands that ask rather than act: /list, /names, /whois, /help.
public sealed partial class ChatModel
{
    private void ShowRooms(ChatBuffer buffer, RoomList list)
    {
        _knownRooms.Clear();
        _knownRooms.AddRange(list.Rooms.Select(r => r.Name));
        Notice(buffer, string.Create(CultureInfo.InvariantCulture, $"rooms ({Math.Max(list.RoomCount, (uint)list.Rooms.Count)}):"));
        foreach (RoomInfo room in list.Rooms)
        {
            string name = TerminalText.Line(room.Name);
            string topic = TerminalText.Line(room.Topic);
            Notice(buffer, topic.Length > 0 ? $"  {name} ({Words.Count(room.MemberCount, "member")}): {topic}" : $"  {name} ({Words.Count(room.MemberCount, "member")})");
        }
    }

    private void ListMembers()
    {
        ChatBuffer here = Current;
        if (here.Kind != BufferKind.Room)
        {
            Error(here, "this buffer is not a room");
            return;
        }

        Then(
            _backend.NamesAsync(here.Target),
            members =>
            {
                here.SetMembers(members.Members_);
                here.SetStates(members.MemberStates);
                here.Modes = members.Modes;
                here.MemberCount = (int)Math.Max(members.MemberCount, (uint)members.Members_.Count);
                Notice(here, string.Create(CultureInfo.InvariantCulture, $"members of {here.Name} ({here.MemberCount}): {string.Join(", ", here.Members)}"));
            },
            ex => Failed(here, "/names", ex));
    }

    /// <summary>
    /// The protocol has no whois request yet (docs/PROTOCOL.md), so this answers from what the client has seen:
    /// the rooms shared with the nickname and when it last spoke in them.
    /// </summary>
    private void Whois(string nick)
    {
        ChatBuffer here = Current;
        List<string> rooms = [.. Buffers.All.Where(b => b.Kind == BufferKind.Room && b.HasMember(nick)).Select(b => b.Name)];
        ChatLine? last = Buffers.All
            .SelectMany(b => b.Lines.Where(l => l.Kind is LineKind.Message or LineKind.Action && Names.Same(l.Nick, nick)).Select(l => (b, l)))
            .OrderByDescending(x => x.l.Time).Select(x => x.l).FirstOrDefault();
        string name = TerminalText.Line(nick);
        if (Names.Same(nick, Nick))
        {
            rooms = [.. Buffers.All.Where(b => b.Kind == BufferKind.Room && b.Joined).Select(b => b.Name)];
        }

        Notice(here, rooms.Count > 0 ? $"{name} is in {string.Join(", ", rooms)} (rooms you share)" : $"{name} is in no room you share");
        if (last is not null)
        {
            Notice(here, $"{name} last spoke at {Timestamp(last.Time)}");
        }

        if (Buffers.Find(BufferKind.Direct, nick) is { } direct)
        {
            Notice(here, $"direct conversation with {name}: buffer {Buffers.NumberOf(direct)}");
        }

        Notice(here, "(answered locally: the protocol has no whois request yet)");
    }

    private void Help(string args)
    {
        ChatBuffer here = Current;
        if (args.Length > 0)
        {
            string name = args.TrimStart('/');
            if (CommandTable.Find(name) is { } c)
            {
                Notice(here, $"{c.Usage}: {c.Help}");
            }
            else
            {
                Error(here, $"no command /{TerminalText.Line(name)} (try /help)");
            }

            return;
        }

        Notice(here, "commands (case-insensitive; /help command for one):");
        foreach (CommandInfo c in CommandTable.All)
        {
            Notice(here, $"  {c.Usage,-24} {c.Help}");
        }

        Notice(here, "keys: Alt+1..9/0 buffers, Ctrl+N/P next/previous, Alt+A activity, Tab complete, Up/Down history,");
        Notice(here, "      PgUp/PgDn scroll, Ctrl+Home/End top/bottom, F8 members, Ctrl+L redraw, Alt+Enter newline; //text sends /text");
    }

    /// <summary>A time as the log shows it (local time, the configured format).</summary>
    public string Timestamp(DateTimeOffset time) =>
        TimeZoneInfo.ConvertTime(time, Options.TimeZone).ToString(Options.TimestampFormat, CultureInfo.InvariantCulture);
}
