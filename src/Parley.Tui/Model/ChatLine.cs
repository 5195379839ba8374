using Parley.Tui.Text;

namespace Parley.Tui.Model;

/// <summary>What a log line is, which decides its prefix and colours.</summary>
public enum LineKind
{
    /// <summary><c>&lt;nick&gt; text</c></summary>
    Message,

    /// <summary><c>* nick waves</c> (<c>/me</c>)</summary>
    Action,

    /// <summary><c>--&gt; nick joined</c></summary>
    Joined,

    /// <summary><c>&lt;-- nick left (reason)</c>, and quits</summary>
    Left,

    /// <summary>Nickname changes, topic changes, connection news, replies to commands.</summary>
    Notice,

    /// <summary><c>-- bob is away: lunch</c>, <c>-- bob is back</c>: shown dim, in direct conversations only.</summary>
    Away,

    /// <summary>Something went wrong: a refused request, a local usage error.</summary>
    Error,
}

/// <summary>Whether a line we typed has reached the server.</summary>
public enum SendState
{
    /// <summary>Not a line of ours, or one the server delivered.</summary>
    None,

    /// <summary>Typed while disconnected: sent once reconnected.</summary>
    Pending,

    /// <summary>Could not be sent; <see cref="ChatLine.Failure"/> says why.</summary>
    Failed,
}

/// <summary>
/// One entry of a buffer's log. Its strings are already safe for the terminal: the constructor passes every one
/// through <see cref="TerminalText"/>, so no code path can put an unsanitised network string on the screen.
/// </summary>
public sealed class ChatLine
{
    public ChatLine(DateTimeOffset time, LineKind kind, string nick, string text, bool own = false, string? mentionOf = null)
    {
        Time = time;
        Kind = kind;
        Nick = TerminalText.Line(nick);
        Text = TerminalText.Lines(text);
        Own = own;
        MentionOf = mentionOf is null ? null : TerminalText.Line(mentionOf);
    }

    public DateTimeOffset Time { get; }

    public LineKind Kind { get; }

    /// <summary>The speaker, or the subject of a notice; empty when none.</summary>
    public string Nick { get; }

    /// <summary>The text, one entry per line of it.</summary>
    public IReadOnlyList<string> Text { get; }

    /// <summary>We said it.</summary>
    public bool Own { get; }

    /// <summary>The nickname this line mentions (ours when it arrived), or null when it mentions nobody we care about.</summary>
    public string? MentionOf { get; }

    public bool IsMention => MentionOf is not null;

    /// <summary>For a message from the server: its sequence number in the conversation; 0 otherwise.</summary>
    public ulong Seq { get; init; }

    /// <summary>For a message from the server: its server-wide id (what tells two copies of one message apart); 0 otherwise.</summary>
    public ulong MessageId { get; init; }

    /// <summary>Fetched from the conversation's history (a backlog), not received live: it never counts as unread or rings.</summary>
    public bool FromHistory { get; init; }

    public SendState State { get; set; }

    /// <summary>Why a <see cref="SendState.Failed"/> line was not sent (already safe to show).</summary>
    public string? Failure { get; private set; }

    public void Fail(string reason)
    {
        State = SendState.Failed;
        Failure = TerminalText.Line(reason);
    }

    /// <summary>The plain text of the line as drawn without its timestamp, for tests and searching.</summary>
    public override string ToString() => Kind switch
    {
        LineKind.Message => $"<{Nick}> {string.Join('\n', Text)}",
        LineKind.Action => $"* {Nick} {string.Join('\n', Text)}",
        _ => string.Join('\n', Text),
    };
}
