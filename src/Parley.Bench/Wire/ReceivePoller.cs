using System.Runtime.InteropServices;

namespace Parley.Bench.Wire;

/// <summary>
/// The bench's own receive loop for plain TCP on Linux x86-64: one dedicated thread with its own
/// epoll instance, level-triggered EPOLLIN, and one non-blocking <c>recv</c> per ready socket into
/// that connection's buffer (issue 6). .NET's async receive costs two <c>recv</c> calls per delivery
/// at chat rates (the first one fails with EAGAIN, then the engine's epoll thread wakes and reads)
/// plus the async machinery; here a wake-up reads every ready socket once.
/// </summary>
/// <remarks>
/// Every change to the set of sockets (add, remove, stop, resume) is a command run on the poller
/// thread between two <c>epoll_wait</c> calls, so the table of connections has one owner and an
/// event can never name a connection removed since the wait returned. An eventfd in the same epoll
/// set wakes the thread for a command. The thread ends when its last connection is removed (the
/// end of the run) and a later command starts a new one, so a run leaves no thread behind.
/// </remarks>
internal sealed unsafe class ReceivePoller
{
    /// <summary>Events taken per wait: a wake-up under load finds hundreds of ready sockets.</summary>
    private const int MaxEvents = 512;

    /// <summary>Longest wait; commands wake the thread sooner, this only bounds a lost wake-up.</summary>
    private const int WaitTimeoutMs = 200;

    private const ulong WakeData = ulong.MaxValue;

    private static readonly ReceivePoller Instance = new();

    private readonly Lock _gate = new();
    private readonly Queue<(Command Kind, BenchClient Client)> _commands = new();
    private readonly List<BenchClient?> _slots = [];
    private readonly Stack<int> _free = new();
    private bool _running;
    private int _wakeFd = -1;
    private int _members;
    private long _threadsStarted;

    private enum Command
    {
        Add,
        Stop,
        Resume,
        Remove,
    }

    /// <summary>The poller every polled connection of this process shares.</summary>
    public static ReceivePoller Shared => Instance;

    /// <summary>Whether a receive thread is running now (none once every connection is disposed).</summary>
    public bool IsRunning
    {
        get
        {
            lock (_gate)
            {
                return _running;
            }
        }
    }

    /// <summary>Receive threads started so far (one per run, unless a run's connections all closed in between).</summary>
    public long ThreadsStarted => Interlocked.Read(ref _threadsStarted);

    public void Add(BenchClient client) => Enqueue(Command.Add, client);

    public void Stop(BenchClient client) => Enqueue(Command.Stop, client);

    public void Resume(BenchClient client) => Enqueue(Command.Resume, client);

    /// <summary>Takes the connection out; its <see cref="BenchClient.PollEnded"/> completes once the thread will not touch it again.</summary>
    public void Remove(BenchClient client) => Enqueue(Command.Remove, client);

    private void Enqueue(Command kind, BenchClient client)
    {
        lock (_gate)
        {
            _commands.Enqueue((kind, client));
            if (!_running)
            {
                _running = true;
                Interlocked.Increment(ref _threadsStarted);
                new Thread(Run) { IsBackground = true, Name = "bench epoll receive" }.Start();
            }
            else if (_wakeFd >= 0)
            {
                ulong one = 1;
                // Non-blocking: a full counter (never, at 2^64-1) would only mean a wake-up is pending already.
                _ = Epoll.Write(_wakeFd, (byte*)&one, sizeof(ulong));
            }
        }
    }

    private void Run()
    {
        int epoll = Epoll.Create(Epoll.CloseOnExec);
        int wake = Epoll.EventFd(0, Epoll.CloseOnExec | Epoll.EventFdNonBlocking);
        Epoll.Event* events = (Epoll.Event*)NativeMemory.Alloc(MaxEvents, (nuint)sizeof(Epoll.Event));
        try
        {
            if (epoll < 0 || wake < 0)
            {
                FailEverything($"the bench's receive thread could not start: {Epoll.Describe(Marshal.GetLastPInvokeError())}");
                return;
            }

            var wakeEvent = new Epoll.Event { Events = Epoll.In, Data = WakeData };
            _ = Epoll.Control(epoll, Epoll.CtlAdd, wake, &wakeEvent);
            lock (_gate)
            {
                _wakeFd = wake;
            }

            while (RunCommands(epoll))
            {
                int ready = Epoll.Wait(epoll, events, MaxEvents, WaitTimeoutMs);
                if (ready < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == Epoll.Interrupted)
                    {
                        continue;
                    }

                    FailEverything($"epoll_wait failed: {Epoll.Describe(errno)}");
                    return;
                }

                for (int i = 0; i < ready; i++)
                {
                    ulong data = events[i].Data;
                    if (data == WakeData)
                    {
                        ulong count;
                        _ = Epoll.Read(wake, (byte*)&count, sizeof(ulong));
                    }
                    else if (_slots[(int)data] is { } client && !client.ReceiveReady())
                    {
                        Detach(epoll, client);
                    }
                }
            }
        }
        finally
        {
            NativeMemory.Free(events);
            if (wake >= 0)
            {
                Epoll.Close(wake);
            }

            if (epoll >= 0)
            {
                Epoll.Close(epoll);
            }
        }
    }

    /// <summary>Runs the queued commands; false when no connection is left and none is coming (the thread then ends).</summary>
    private bool RunCommands(int epoll)
    {
        while (true)
        {
            (Command Kind, BenchClient Client) command;
            lock (_gate)
            {
                if (!_commands.TryDequeue(out command))
                {
                    if (_members > 0)
                    {
                        return true;
                    }

                    _running = false;
                    _wakeFd = -1;
                    return false;
                }
            }

            Execute(epoll, command.Kind, command.Client);
        }
    }

    private void Execute(int epoll, Command kind, BenchClient client)
    {
        switch (kind)
        {
            case Command.Add:
                int slot = _free.Count > 0 ? _free.Pop() : _slots.Count;
                if (slot == _slots.Count)
                {
                    _slots.Add(null);
                }

                _slots[slot] = client;
                client.PollSlot = slot;
                _members++;
                if (!Watch(epoll, client, Epoll.CtlAdd))
                {
                    client.PollFailed($"epoll_ctl: {Epoll.Describe(Marshal.GetLastPInvokeError())}");
                    Detach(epoll, client);
                }

                break;
            case Command.Stop when client.PollSlot >= 0 && !client.PollStopped:
                client.PollStopped = true;
                Watch(epoll, client, Epoll.CtlDel);
                break;
            case Command.Resume when client.PollSlot >= 0 && client.PollStopped:
                client.PollStopped = false;
                Watch(epoll, client, Epoll.CtlAdd);
                break;
            case Command.Remove when client.PollSlot >= 0:
                client.PollFailed("closed by the bench");
                Detach(epoll, client);
                break;
            case Command.Remove:
                // Already detached (closed by the server): nothing is registered any more.
                client.PollDetached();
                break;
            default:
                break;
        }
    }

    /// <summary>Level-triggered EPOLLIN: a socket with data left after its one recv is reported again by the next wait.</summary>
    private static bool Watch(int epoll, BenchClient client, int operation)
    {
        var ev = new Epoll.Event { Events = Epoll.In, Data = (ulong)client.PollSlot };
        return Epoll.Control(epoll, operation, client.PollFd, &ev) == 0;
    }

    private void Detach(int epoll, BenchClient client)
    {
        if (!client.PollStopped)
        {
            Watch(epoll, client, Epoll.CtlDel);
        }

        _slots[client.PollSlot] = null;
        _free.Push(client.PollSlot);
        client.PollSlot = -1;
        _members--;
        client.PollDetached();
    }

    private void FailEverything(string reason)
    {
        lock (_gate)
        {
            foreach (BenchClient? client in _slots)
            {
                if (client is not null)
                {
                    client.PollFailed(reason);
                    client.PollSlot = -1;
                    client.PollDetached();
                }
            }

            while (_commands.TryDequeue(out (Command Kind, BenchClient Client) command))
            {
                command.Client.PollFailed(reason);
                command.Client.PollDetached();
            }

            _slots.Clear();
            _free.Clear();
            _members = 0;
            _running = false;
            _wakeFd = -1;
        }
    }
}
