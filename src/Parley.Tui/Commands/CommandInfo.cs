namespace Parley.Tui.Commands;

/// <summary>A slash command: its name, how to call it, and what it does (for <c>/help</c>).</summary>
public sealed record CommandInfo(string Name, string Usage, string Help);

/// <summary>The commands the client knows, and how a typed line splits into a command and its arguments.</summary>
public static class CommandTable
{
    public static readonly IReadOnlyList<CommandInfo> All =
    [
        new("join", "/join #room", "join a room (creating it on first join) and show it"),
        new("part", "/part [#room] [reason]", "leave the room shown (or #room), with an optional reason"),
        new("list", "/list", "list the server's rooms, the largest first"),
        new("msg", "/msg nick text", "send a direct message; its conversation opens as a buffer"),
        new("query", "/query nick", "open the direct conversation with nick and show it"),
        new("reply", "/reply text", "answer the last person who sent you a direct message"),
        new("me", "/me action", "say an action: * you waves"),
        new("nick", "/nick name", "change your nickname"),
        new("topic", "/topic [text]", "show the room's topic, or set it (/topic - clears it)"),
        new("names", "/names", "list the members of the room shown"),
        new("whois", "/whois nick", "who nick is: account, shared rooms, away message, connected and idle time"),
        new("away", "/away [message]", "mark yourself away; your rooms see you dimmed, whois shows the message"),
        new("back", "/back", "end /away"),
        new("kick", "/kick nick [reason]", "remove nick from the room (operators); they may join again"),
        new("ban", "/ban nick|account:NAME|address:IP[/N] [duration] [reason]", "ban from the room (operators), or in the server buffer from the server (administrators); duration 10m, 2h, 7d"),
        new("unban", "/unban mask", "lift a ban; the mask as /bans lists it"),
        new("bans", "/bans", "list the room's bans (in the server buffer: the server's)"),
        new("mute", "/mute nick [duration]", "refuse nick's messages in the room (operators), for a while or until /unmute"),
        new("unmute", "/unmute nick", "end a mute"),
        new("op", "/op nick", "make nick an operator of the room (the owner; nick must be logged in)"),
        new("deop", "/deop nick", "make an operator a plain member again (the owner)"),
        new("mode", "/mode +i|-i|+t|-t", "invite-only (i), topic locked (t): operators set them"),
        new("invite", "/invite nick [#room]", "invite nick to the room shown (or #room)"),
        new("clear", "/clear", "clear the buffer shown (the server keeps its history)"),
        new("quit", "/quit [message]", "leave Parley; the rooms see your message"),
        new("help", "/help [command]", "list the commands, or explain one"),
    ];

    public static CommandInfo? Find(string name) =>
        All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Splits a typed line: <c>/join #a</c> is the command <c>join</c> with <c>#a</c>; <c>//text</c> and text
    /// without a slash are messages (<c>//text</c> sends <c>/text</c>). Commands are case-insensitive.
    /// </summary>
    public static (string? Command, string Args) Parse(string line)
    {
        if (line.StartsWith("//", StringComparison.Ordinal))
        {
            return (null, line[1..]);
        }

        if (!line.StartsWith('/') || line.Length == 1)
        {
            return (null, line);
        }

        int space = line.IndexOf(' ', StringComparison.Ordinal);
        return space < 0
            ? (line[1..].ToLowerInvariant(), string.Empty)
            : (line[1..space].ToLowerInvariant(), line[(space + 1)..].Trim());
    }

    /// <summary>The first word of <paramref name="text"/> and the rest, trimmed.</summary>
    public static (string Word, string Args) FirstWord(string text)
    {
        text = text.TrimStart();
        int space = text.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (text, string.Empty) : (text[..space], text[(space + 1)..].Trim());
    }
}
