namespace Parley.Tui.Model;

/// <summary>
/// A paste held back until the user answers <c>send 42 lines? [y/N/e]</c>: y sends every line as a message
/// (a line starting with <c>/</c> goes out as text, never as a command), e puts the paste in the input line to
/// edit, anything else drops it.
/// </summary>
public sealed record PasteQuestion(IReadOnlyList<string> Lines)
{
    public string Prompt => Lines.Count == 1 ? "send 1 line? [y/N/e]" : $"send {Lines.Count} lines? [y/N/e]";
}
