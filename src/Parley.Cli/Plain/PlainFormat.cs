using Parley.Client;
using Parley.Protocol;
using Parley.Protocol.Messages;
using static Parley.Cli.Words;

namespace Parley.Cli.Plain;

/// <summary>
/// The plain-mode output format. One event per line; tests and scripts parse these forms, so they are
/// stable (README, "Plain mode output"):
/// <code>
/// [#room] &lt;nick&gt; text                  a room message (your own too, as the server delivers it)
/// [#room] * nick action                a room action (/me)
/// [#room] --&gt; nick joined
/// [#room] &lt;-- nick left                 or: left (their reason)
/// [#room] &lt;-- nick quit (REASON)        REASON: left, connection lost, timed out, slow consumer,
///                                      server shutting down, protocol error; "left: their words" if any
/// [#room] -- old is now known as new
/// [#room] -- topic: text (set by nick)  or: topic cleared (by nick)
/// [#room] -- nick is away (message)     and: [#room] -- nick is back
/// [#room] &lt;-- nick was kicked by op (reason)
/// [#room] -- mode +i -t (by op)         a room's modes: i invite-only, t topic locked
/// [#room] -- nick: operator, muted until 2026-11-23 12:05 UTC (by op)   a member's role or mute changed
/// -- op invites you to #room
/// [dm] &lt;nick&gt; text / [dm] * nick action    a direct message to you
/// [dm] -&gt; nick: text / [dm] -&gt; nick: * you action    one you sent (from any of your connections)
/// ! error CODE_NAME: message           the server refused a request (CODE_NAME as NICK_IN_USE)
/// ! error: message                     a local error (unknown command, no current room, not connected)
/// -- connecting to HOST:PORT
/// -- connected to HOST:PORT as nick
/// -- reconnecting in 2.1 s (try 3)
/// -- disconnected: server shutting down (their words)
/// -- not connected: SUMMARY              the server's certificate was refused (unknown, changed, not the one
/// ! LINE                                 given with --trust), then the explanation, one "! " line each; no reconnect
/// [#room] -- rejoined                  after a reconnect; "(N messages while away)" when the room moved on,
///                                      followed by those messages, replayed from the room's history
/// </code>
/// Replies to your own commands: <c>[#room] -- members (N): a, b</c> (join, /names),
/// <c>[#room] -- topic: text</c> or <c>[#room] -- no topic</c>, <c>-- room #a (3 members): topic</c>
/// (/list, one line each), <c>-- you are now known as nick</c>, <c>-- now talking in #room</c>,
/// <c>-- you are marked away (message)</c> and <c>-- you are back</c>, <c>-- whois nick: ...</c> (<see cref="Whois"/>).
/// Text with line breaks prints as one line per text line, each with the event's prefix.
/// Every string that came from the network is neutralised first (<see cref="ContentRules.NeutralizeText"/>).
/// </summary>
internal static partial class PlainFormat
{
    /// <summary>The lines for <paramref name="e"/>; <paramref name="me"/> is our nickname, to tell our DMs from theirs.</summary>
    public static IEnumerable<string> Lines(ParleyEvent e, string me) => e switch
    {
        RoomMessageEvent { Message: var m } => m.Action
            ? Prefixed($"[{Safe(m.Room)}] * {Safe(m.From)} ", m.Text)
            : Prefixed($"[{Safe(m.Room)}] <{Safe(m.From)}> ", m.Text),
        DirectMessageEvent { Message: var m } => Direct(m, me),
        PresenceEvent { Presence: var p } => [Presence(p)],
        TopicChangedEvent { Change: var t } => [t.Topic.Length > 0
            ? $"[{Safe(t.Room)}] -- topic: {Safe(t.Topic)} (set by {Safe(t.By)})"
            : $"[{Safe(t.Room)}] -- topic cleared (by {Safe(t.By)})"],
        RoomModeChangedEvent { Change: var m } => [$"[{Safe(m.Room)}] -- mode {ModeFlags.Format(m.Modes)}{By(m.By)}"],
        MemberChangedEvent { Change: var m } => [MemberChanged(m)],
        InvitedEvent { Invitation: var i } => [$"-- {Safe(i.By)} invites you to {Safe(i.Room)}"],
        ConnectingEvent { Attempt: 0 } c => [$"-- connecting to {c.Endpoint}"],
        ConnectingEvent => [],
        ConnectedEvent c => Connected(c),
        ReconnectingEvent r => [$"-- reconnecting in {Seconds(r.Delay)} (try {r.Attempt})"],
        DisconnectedEvent { Info.Trust: { } refused } => Refused(refused),
        DisconnectedEvent d => [$"-- disconnected: {Of(d.Info)}"],
        RejoinedEvent r => [r.Missed > 0
            ? $"[{Safe(r.Joined.Room)}] -- rejoined ({r.Missed} messages while away)"
            : $"[{Safe(r.Joined.Room)}] -- rejoined"],
        RejoinFailedEvent f => [$"! error {Of(f.Error.Code)}: could not rejoin {Safe(f.Room)}: {Safe(f.Error.Message)}"],
        RoomRestoredEvent r => [r.Joined.LastSeq > r.Joined.ReadSeq && r.Joined.ReadSeq > 0
            ? $"[{Safe(r.Joined.Room)}] -- back in {Safe(r.Joined.Room)}, remembered for your account ({r.Joined.LastSeq - r.Joined.ReadSeq} unread)"
            : $"[{Safe(r.Joined.Room)}] -- back in {Safe(r.Joined.Room)}, remembered for your account"],
        _ => [],
    };

    private static IEnumerable<string> Refused(ServerTrustException refused) =>
        [$"-- not connected: {refused.Summary}", .. refused.Message.Split('\n').Select(line => $"! {line}")];

    public static string Members(string room, IReadOnlyCollection<string> members, uint count) =>
        $"[{Safe(room)}] -- members ({Math.Max(count, (uint)members.Count)}): {string.Join(", ", members.Select(Safe))}";

    public static string Topic(string room, string topic) =>
        topic.Length > 0 ? $"[{Safe(room)}] -- topic: {Safe(topic)}" : $"[{Safe(room)}] -- no topic";

    public static string Room(RoomInfo room) => room.Topic.Length > 0
        ? $"-- room {Safe(room.Name)} ({room.MemberCount} members): {Safe(room.Topic)}"
        : $"-- room {Safe(room.Name)} ({room.MemberCount} members)";

    public static string Error(ParleyRequestException ex)
    {
        string line = $"! error {Of(ex.Code)}: {Safe(ex.Message)}";
        return ex.RetryAfter is { } retry ? $"{line} (retry in {Seconds(retry)})" : line;
    }

    public static string LocalError(string message) => $"! error: {message}";

    /// <summary>
    /// The reply to <c>/whois</c>, one line: <c>-- whois bob: rooms #a, #b; away (lunch); connected 12 min ago; idle 42 s</c>,
    /// with <c>account NAME</c> and <c>server administrator</c> when they apply.
    /// </summary>
    public static string Whois(WhoisInfo info, DateTimeOffset now)
    {
        var parts = new List<string>();
        if (info.Account.Length > 0)
        {
            parts.Add($"account {Safe(info.Account)}");
        }

        parts.Add(info.Rooms.Count > 0 ? $"rooms {string.Join(", ", info.Rooms.Select(Safe))}" : "no room shared with you");
        if (info.AwayMessage.Length > 0)
        {
            parts.Add($"away ({OneLine(Safe(info.AwayMessage))})");
        }

        if (info.ConnectedMs > 0)
        {
            parts.Add($"connected {ProtocolNames.Duration(now - DateTimeOffset.FromUnixTimeMilliseconds(info.ConnectedMs))} ago");
        }

        parts.Add($"idle {ProtocolNames.Duration(TimeSpan.FromMilliseconds(info.IdleMs))}");
        if (info.Admin)
        {
            parts.Add("server administrator");
        }

        return $"-- whois {Safe(info.Nick)}: {string.Join("; ", parts)}";
    }

    /// <summary>Line breaks and tabs as spaces, for text shown inside one line.</summary>
    private static string OneLine(string text) => text.Replace('\n', ' ').Replace('\t', ' ');

    private static IEnumerable<string> Direct(DirectDelivered m, string me)
    {
        bool mine = me.Length > 0 && m.From.Length > 0 && ContentRules.Key(m.From) == ContentRules.Key(me);
        if (mine)
        {
            return m.Action
                ? Prefixed($"[dm] -> {Safe(m.To)}: * {Safe(m.From)} ", m.Text)
                : Prefixed($"[dm] -> {Safe(m.To)}: ", m.Text);
        }

        return m.Action ? Prefixed($"[dm] * {Safe(m.From)} ", m.Text) : Prefixed($"[dm] <{Safe(m.From)}> ", m.Text);
    }

    private static string Presence(Presence p)
    {
        string room = $"[{Safe(p.Room)}]";
        string nick = Safe(p.Nick);
        string message = Safe(p.Message);
        return p.Kind switch
        {
            PresenceKind.Joined => $"{room} --> {nick} joined",
            PresenceKind.Left => message.Length > 0 ? $"{room} <-- {nick} left ({message})" : $"{room} <-- {nick} left",
            PresenceKind.Quit => message.Length > 0
                ? $"{room} <-- {nick} quit ({Of(p.Reason)}: {message})"
                : $"{room} <-- {nick} quit ({Of(p.Reason)})",
            PresenceKind.Nick => $"{room} -- {nick} is now known as {Safe(p.NewNick)}",
            PresenceKind.Away => $"{room} -- {nick} is away ({OneLine(message)})",
            PresenceKind.Back => $"{room} -- {nick} is back",
            PresenceKind.Kicked => message.Length > 0
                ? $"{room} <-- {nick} was kicked by {Safe(p.By)} ({OneLine(message)})"
                : $"{room} <-- {nick} was kicked by {Safe(p.By)}",
            _ => $"{room} -- {nick}: {p.Kind}",
        };
    }

    private static IEnumerable<string> Connected(ConnectedEvent c)
    {
        yield return $"-- connected to {c.Endpoint} as {Safe(c.Nick)}";
        if (c.Welcome.Motd.Length > 0)
        {
            foreach (string line in Prefixed("-- motd: ", c.Welcome.Motd))
            {
                yield return line;
            }
        }
    }

    /// <summary>One line per line of <paramref name="text"/>, each starting with <paramref name="prefix"/>.</summary>
    private static IEnumerable<string> Prefixed(string prefix, string text) =>
        Safe(text).Split('\n').Select(line => prefix + line);
}
