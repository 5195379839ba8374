namespace Parley.Tui.Model;

/// <summary>What the user can configure about the chat screen (from <c>config.json</c>).</summary>
public sealed class ChatOptions
{
    /// <summary>Ring the terminal bell on a mention or a direct message. Default true.</summary>
    public bool Bell { get; set; } = true;

    /// <summary>The .NET format of log timestamps, in local time. Default <c>HH:mm</c>.</summary>
    public string TimestampFormat { get; set; } = "HH:mm";

    /// <summary>Show the member list at start (F8 toggles it). Default true.</summary>
    public bool ShowMembers { get; set; } = true;

    /// <summary>Messages of a room's history shown when it is joined (and of an unread direct conversation at start). Default 50; 0 shows none.</summary>
    public int Backlog { get; set; } = 50;

    /// <summary>A paste of more lines than this asks before sending. Default 5 (issue 3).</summary>
    public int PasteQuestionLines { get; set; } = 5;

    /// <summary>The local time zone for timestamps and day separators (tests pin one).</summary>
    public TimeZoneInfo TimeZone { get; set; } = TimeZoneInfo.Local;
}
