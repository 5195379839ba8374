using System.Globalization;

namespace Parley.Tui.Input;

/// <summary>
/// The input line: text and a cursor, edited with the Emacs keys shells use (Ctrl+A/E/K/U/W). The cursor moves
/// by grapheme cluster, so an emoji or a letter with its accent is one step and is never split.
/// </summary>
public sealed class InputEditor
{
    private string _text = string.Empty;

    public string Text => _text;

    /// <summary>The cursor, as an index into <see cref="Text"/> (always at a grapheme boundary).</summary>
    public int Cursor { get; private set; }

    public bool IsEmpty => _text.Length == 0;

    /// <summary>Raised after every change of the text (not of the cursor alone).</summary>
    public event Action? Changed;

    public void Set(string text, int? cursor = null)
    {
        _text = text;
        Cursor = Math.Clamp(cursor ?? text.Length, 0, text.Length);
        Changed?.Invoke();
    }

    public void Clear() => Set(string.Empty);

    public void Insert(string text)
    {
        if (text.Length == 0)
        {
            return;
        }

        _text = _text.Insert(Cursor, text);
        Cursor += text.Length;
        Changed?.Invoke();
    }

    public void Backspace()
    {
        if (Cursor == 0)
        {
            return;
        }

        int start = PreviousBoundary(Cursor);
        _text = _text.Remove(start, Cursor - start);
        Cursor = start;
        Changed?.Invoke();
    }

    public void Delete()
    {
        if (Cursor >= _text.Length)
        {
            return;
        }

        int end = NextBoundary(Cursor);
        _text = _text.Remove(Cursor, end - Cursor);
        Changed?.Invoke();
    }

    public void Left() => Cursor = Cursor == 0 ? 0 : PreviousBoundary(Cursor);

    public void Right() => Cursor = Cursor >= _text.Length ? _text.Length : NextBoundary(Cursor);

    /// <summary>Ctrl+A.</summary>
    public void Home() => Cursor = 0;

    /// <summary>Ctrl+E.</summary>
    public void End() => Cursor = _text.Length;

    /// <summary>Ctrl+K: delete from the cursor to the end.</summary>
    public void KillToEnd()
    {
        if (Cursor < _text.Length)
        {
            _text = _text[..Cursor];
            Changed?.Invoke();
        }
    }

    /// <summary>Ctrl+U: delete from the start to the cursor.</summary>
    public void KillToStart()
    {
        if (Cursor > 0)
        {
            _text = _text[Cursor..];
            Cursor = 0;
            Changed?.Invoke();
        }
    }

    /// <summary>Ctrl+W: delete the word before the cursor (and the spaces after it), as a shell does.</summary>
    public void KillWordBack()
    {
        int i = Cursor;
        while (i > 0 && char.IsWhiteSpace(_text[i - 1]))
        {
            i--;
        }

        while (i > 0 && !char.IsWhiteSpace(_text[i - 1]))
        {
            i--;
        }

        if (i < Cursor)
        {
            _text = _text.Remove(i, Cursor - i);
            Cursor = i;
            Changed?.Invoke();
        }
    }

    private int PreviousBoundary(int index)
    {
        int last = 0;
        foreach (int start in Boundaries())
        {
            if (start >= index)
            {
                break;
            }

            last = start;
        }

        return last;
    }

    private int NextBoundary(int index)
    {
        foreach (int start in Boundaries())
        {
            if (start > index)
            {
                return start;
            }
        }

        return _text.Length;
    }

    private IEnumerable<int> Boundaries()
    {
        int i = 0;
        while (i < _text.Length)
        {
            yield return i;
            i += StringInfo.GetNextTextElementLength(_text, i);
        }

        yield return _text.Length;
    }
}
