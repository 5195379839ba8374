using System.Globalization;
using Parley.Client;
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
                here.SetMembers(members.Members_, members.MemberStates);
                NoteAway(members.MemberStates);
                here.Modes = members.Modes;
                here.MemberCount = (int)Math.Max(members.MemberCount, (uint)members.Members_.Count);
                Notice(here, string.Create(CultureInfo.InvariantCulture, $"members of {here.Name} ({here.MemberCount}): {string.Join(", ", here.Members)}"));
            },
            ex => Failed(here, "/names", ex));
    }

    /// <summary>Asks the server about <paramref name="nick"/> and shows the answer in the buffer shown, as irssi does.</summary>
    private void Whois(string nick)
    {
        ChatBuffer here = Current;
        Then(
            _backend.WhoisAsync(nick),
            info => ShowWhois(here, info),
            ex =>
            {
                if (ex is ParleyRequestException { Code: ErrorCode.NoSuchUser })
                {
                    Error(here, $"{TerminalText.Line(nick)} is not online");
                }
                else
                {
                    Failed(here, "/whois", ex);
                }
            });
    }

    private void ShowWhois(ChatBuffer here, WhoisInfo info)
    {
        string name = TerminalText.Line(info.Nick);
        Notice(here, info.Account.Length > 0 ? $"{name} (account {TerminalText.Line(info.Account)})" : $"{name} (guest)");
        Notice(here, info.Rooms.Count > 0
            ? $"  rooms: {string.Join(", ", info.Rooms.Select(TerminalText.Line))}"
            : "  rooms: none shared with you");
        if (info.AwayMessage.Length > 0)
        {
            Notice(here, $"  away: {TerminalText.Line(info.AwayMessage)}");
        }

        if (info.ConnectedMs > 0)
        {
            DateTimeOffset connected = DateTimeOffset.FromUnixTimeMilliseconds(info.ConnectedMs);
            Notice(here, $"  connected: {Timestamp(connected)} ({ProtocolNames.Duration(Now - connected)} ago)");
        }

        Notice(here, $"  idle: {ProtocolNames.Duration(TimeSpan.FromMilliseconds(info.IdleMs))}");
        if (info.Admin)
        {
            Notice(here, "  server administrator");
        }

        if (Buffers.Find(BufferKind.Direct, info.Nick) is { } direct)
        {
            Notice(here, $"  direct conversation: buffer {Buffers.NumberOf(direct)}");
        }
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
