namespace Parley.Server.Connections;

/// <summary>
/// A FIFO of frames for <see cref="SendQueue"/>, guarded by the queue's lock: a ring over an array that
/// is made on the first frame, doubles when full, and is dropped when a burst has drained, so an idle
/// connection holds a few bytes here rather than a backlog's worth of slots.
/// </summary>
internal struct FrameRing
{
    // A power of two, as every capacity after it (it only doubles), so positions wrap with a mask.
    // Small enough that an idle connection keeps it (no allocation per wake-up at chat rates),
    // large enough for the usual few frames queued between two writes.
    private const int InitialCapacity = 4;

    // A ring grown past this by a burst is released once empty instead of kept at its peak size.
    private const int KeptCapacity = 64;

    private byte[][]? _items;
    private int _head;
    private int _count;

    public readonly int Count => _count;

    /// <summary>Slots held now (0 before the first frame and after a large ring is released): for tests.</summary>
    public readonly int Capacity => _items?.Length ?? 0;

    public void Enqueue(byte[] frame)
    {
        if (_items is null)
        {
            _items = new byte[InitialCapacity][];
        }
        else if (_count == _items.Length)
        {
            Grow();
        }

        _items[(_head + _count) & (_items.Length - 1)] = frame;
        _count++;
    }

    public bool TryDequeue(out byte[] frame)
    {
        if (_count == 0)
        {
            frame = null!;
            return false;
        }

        byte[][] items = _items!;
        frame = items[_head];
        items[_head] = null!;
        _head = (_head + 1) & (items.Length - 1);
        _count--;
        if (_count == 0)
        {
            _head = 0;
            if (items.Length > KeptCapacity)
            {
                _items = null;
            }
        }

        return true;
    }

    /// <summary>Lets go of the slots when nothing is queued (a connection gone quiet keeps no ring at all).</summary>
    public void ReleaseIfEmpty()
    {
        if (_count == 0)
        {
            _items = null;
            _head = 0;
        }
    }

    private void Grow()
    {
        byte[][] items = _items!;
        var grown = new byte[items.Length * 2][];
        for (int i = 0; i < _count; i++)
        {
            grown[i] = items[(_head + i) & (items.Length - 1)];
        }

        _items = grown;
        _head = 0;
    }
}
