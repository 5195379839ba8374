namespace Parley.Tui.Input;

/// <summary>What Tab can complete to, in the order it offers them.</summary>
/// <param name="Commands">Command names with their slash (<c>/join</c>).</param>
/// <param name="Rooms">Room names (joined ones first).</param>
/// <param name="Nicks">Nicknames: recent speakers first, then the other members.</param>
public sealed record CompletionSource(IReadOnlyList<string> Commands, IReadOnlyList<string> Rooms, IReadOnlyList<string> Nicks);

/// <summary>
/// Tab completion of the word before the cursor: a command at the start of the line (<c>/jo</c> → <c>/join </c>),
/// a room after <c>#</c>, otherwise a nickname (<c>ali</c> → <c>alice: </c> at the start of a line,
/// <c>alice </c> elsewhere). Tab again cycles forward through the matches, Shift+Tab back. Any other key ends the
/// cycle (<see cref="Reset"/>), keeping what was completed.
/// </summary>
public sealed class Completer
{
    private List<string> _matches = [];
    private int _index;
    private int _start;
    private int _end;
    private string _suffix = string.Empty;

    public bool Active => _matches.Count > 0;

    public void Reset() => _matches = [];

    /// <summary>Completes, or moves on to the next (or previous) match; false when nothing matches.</summary>
    public bool Complete(InputEditor input, CompletionSource source, bool backwards)
    {
        if (!Active)
        {
            if (!Start(input, source))
            {
                return false;
            }

            _index = backwards ? _matches.Count - 1 : 0;
        }
        else
        {
            _index = (_index + (backwards ? _matches.Count - 1 : 1)) % _matches.Count;
        }

        string replacement = _matches[_index] + _suffix;
        string text = input.Text;
        string after = _end <= text.Length ? text[_end..] : string.Empty;
        // A space already after the word: don't add a second one.
        string suffixed = after.StartsWith(' ') && replacement.EndsWith(' ') ? replacement.TrimEnd() : replacement;
        input.Set(string.Concat(text.AsSpan(0, _start), suffixed, after), _start + suffixed.Length);
        _end = _start + suffixed.Length;
        return true;
    }

    private bool Start(InputEditor input, CompletionSource source)
    {
        string text = input.Text;
        int cursor = input.Cursor;
        int start = cursor;
        while (start > 0 && !char.IsWhiteSpace(text[start - 1]))
        {
            start--;
        }

        string word = text[start..cursor];
        bool lineStart = text[..start].Trim().Length == 0;
        IEnumerable<string> pool;
        if (lineStart && word.StartsWith('/'))
        {
            pool = source.Commands;
            _suffix = " ";
        }
        else if (word.StartsWith('#'))
        {
            pool = source.Rooms;
            _suffix = " ";
        }
        else
        {
            string bare = word.TrimStart('@');
            start += word.Length - bare.Length;
            word = bare;
            pool = source.Nicks;
            _suffix = lineStart ? ": " : " ";
        }

        _matches = [.. pool.Where(c => c.StartsWith(word, StringComparison.OrdinalIgnoreCase)).Distinct(StringComparer.OrdinalIgnoreCase)];
        _start = start;
        _end = cursor;
        return _matches.Count > 0;
    }
}
