namespace Parley.Tui.Model;

/// <summary>
/// The numbered buffers (1: the server buffer, then rooms and direct conversations in the order they opened)
/// and which one is shown. Switching records the read marker of the buffer left and clears the unread state of
/// the one shown.
/// </summary>
public sealed class BufferList
{
    private readonly List<ChatBuffer> _buffers = [];

    public BufferList(string serverName)
    {
        Server = new ChatBuffer(BufferKind.Server, serverName);
        _buffers.Add(Server);
        Current = Server;
    }

    public ChatBuffer Server { get; }

    public ChatBuffer Current { get; private set; }

    public IReadOnlyList<ChatBuffer> All => _buffers;

    /// <summary>The 1-based number of <paramref name="buffer"/>, as the buffer list shows it.</summary>
    public int NumberOf(ChatBuffer buffer) => _buffers.IndexOf(buffer) + 1;

    public ChatBuffer? Find(string name)
    {
        string key = Names.Key(name);
        return _buffers.Find(b => b.Kind != BufferKind.Server && b.Key == key);
    }

    public ChatBuffer? Find(BufferKind kind, string name)
    {
        string key = Names.Key(name);
        return _buffers.Find(b => b.Kind == kind && b.Key == key);
    }

    /// <summary>Finds the buffer for <paramref name="name"/>, opening it (at the end of the list) if there is none.</summary>
    public ChatBuffer Open(BufferKind kind, string name)
    {
        if (Find(kind, name) is { } found)
        {
            return found;
        }

        var buffer = new ChatBuffer(kind, name);
        _buffers.Add(buffer);
        return buffer;
    }

    public void Close(ChatBuffer buffer)
    {
        if (buffer == Server)
        {
            return;
        }

        int i = _buffers.IndexOf(buffer);
        if (i < 0)
        {
            return;
        }

        _buffers.RemoveAt(i);
        if (Current == buffer)
        {
            Current = _buffers[i - 1];
            Current.Shown();
        }
    }

    /// <summary>Shows <paramref name="buffer"/>; false if it already was.</summary>
    public bool Show(ChatBuffer buffer)
    {
        if (buffer == Current || !_buffers.Contains(buffer))
        {
            return false;
        }

        Current.Hidden();
        Current = buffer;
        buffer.Shown();
        return true;
    }

    /// <summary>Shows buffer number <paramref name="number"/> (1-based); false when there is no such buffer.</summary>
    public bool Show(int number) => number >= 1 && number <= _buffers.Count && Show(_buffers[number - 1]);

    public bool Next() => Show(_buffers[(_buffers.IndexOf(Current) + 1) % _buffers.Count]);

    public bool Previous() => Show(_buffers[(_buffers.IndexOf(Current) + _buffers.Count - 1) % _buffers.Count]);

    /// <summary>
    /// Alt+A: the buffer most worth reading next. Direct conversations with unread messages and buffers with a
    /// mention come first, then any other with unread messages, nearest after the current one in each group.
    /// </summary>
    public ChatBuffer? NextActive()
    {
        int from = _buffers.IndexOf(Current);
        IEnumerable<ChatBuffer> ring = Enumerable.Range(1, _buffers.Count - 1).Select(i => _buffers[(from + i) % _buffers.Count]);
        List<ChatBuffer> others = [.. ring];
        return others.FirstOrDefault(b => b.Unread > 0 && (b.Highlighted || b.Kind == BufferKind.Direct))
            ?? others.FirstOrDefault(b => b.Unread > 0);
    }

    /// <summary>Unread messages outside the buffer shown, for the terminal title.</summary>
    public int TotalUnread => _buffers.Where(b => b != Current).Sum(b => b.Unread);
}
