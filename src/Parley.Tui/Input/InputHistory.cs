namespace Parley.Tui.Input;

/// <summary>
/// Lines sent from one buffer, recalled with Up and Down. Stepping away from a half-typed line keeps it as the
/// draft, and Down past the newest entry brings it back, as shells do.
/// </summary>
public sealed class InputHistory
{
    /// <summary>Entries kept per buffer; older ones are forgotten.</summary>
    public const int Capacity = 200;

    private readonly List<string> _entries = [];
    private int _position; // == _entries.Count: at the draft
    private string _draft = string.Empty;

    public IReadOnlyList<string> Entries => _entries;

    /// <summary>Records a sent line and returns to the (now empty) draft.</summary>
    public void Add(string line)
    {
        if (line.Length > 0 && (_entries.Count == 0 || _entries[^1] != line))
        {
            _entries.Add(line);
            if (_entries.Count > Capacity)
            {
                _entries.RemoveAt(0);
            }
        }

        _position = _entries.Count;
        _draft = string.Empty;
    }

    /// <summary>Up: the previous entry, or null at the oldest. <paramref name="current"/> is the input now.</summary>
    public string? Previous(string current)
    {
        if (_position == 0)
        {
            return null;
        }

        if (_position == _entries.Count)
        {
            _draft = current;
        }

        _position--;
        return _entries[_position];
    }

    /// <summary>Down: the next entry, the draft after the newest, or null when already at the draft.</summary>
    public string? Next()
    {
        if (_position >= _entries.Count)
        {
            return null;
        }

        _position++;
        return _position == _entries.Count ? _draft : _entries[_position];
    }

    /// <summary>Forgets where Up/Down had got to (after the line was edited or sent).</summary>
    public void Reset() => _position = _entries.Count;
}
