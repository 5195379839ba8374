using Parley.Server.Connections;

namespace Parley.Server.Tests;

public sealed class SendQueueTests
{
    private static SendQueue NewQueue(long soft = 1_000_000, long hard = 4_000_000) =>
        new(soft, hard, controlLimit: 64 * 1024, TimeProvider.System, TimeSpan.FromSeconds(10));

    [Fact]
    public void An_idle_queue_costs_a_few_hundred_bytes()
    {
        // Issue 6: a queue built on a Channel and a ConcurrentQueue took about 2.2 KB before its first frame.
        NewQueue();
        long before = GC.GetAllocatedBytesForCurrentThread();
        SendQueue queue = NewQueue();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated <= 400, $"a new queue allocated {allocated} bytes");
        Assert.Equal(0, queue.DataCapacity);
    }

    [Fact]
    public void A_drained_burst_gives_its_slots_back()
    {
        SendQueue queue = NewQueue();
        for (int i = 0; i < 1000; i++)
        {
            Assert.Equal(EnqueueResult.Queued, queue.TryEnqueue([1, 2, 3]));
        }

        Assert.True(queue.DataCapacity >= 1000);
        int drained = 0;
        while (queue.TryDequeueData(out _))
        {
            drained++;
        }

        Assert.Equal(1000, drained);
        Assert.Equal(0, queue.QueuedBytes);
        Assert.Equal(0, queue.DataCapacity);
    }

    [Fact]
    public void A_quiet_heartbeat_gives_back_the_slots_a_small_burst_kept()
    {
        SendQueue queue = NewQueue();
        for (int i = 0; i < 40; i++)
        {
            queue.TryEnqueue([1]);
        }

        while (queue.TryDequeueData(out _))
        {
        }

        // Kept between bursts, so a busy member doesn't allocate a ring per batch...
        Assert.True(queue.DataCapacity >= 40);
        queue.NoteIdle();

        // ...and released once the connection has been quiet for a heartbeat.
        Assert.Equal(0, queue.DataCapacity);
        Assert.Equal(EnqueueResult.Queued, queue.TryEnqueue([2]));
        Assert.True(queue.TryDequeueData(out byte[] frame));
        Assert.Equal([2], frame);
    }

    [Fact]
    public async Task Frames_come_out_in_order_with_control_frames_first()
    {
        SendQueue queue = NewQueue();
        ValueTask<bool> waiting = queue.WaitToReadAsync();
        Assert.False(waiting.IsCompleted);

        queue.TryEnqueue([1]);
        queue.TryEnqueue([2]);
        Assert.True(queue.TryEnqueueControl([9]));
        Assert.True(await waiting.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.True(queue.TryDequeueControl(out byte[] control));
        Assert.Equal(9, control[0]);
        Assert.False(queue.TryDequeueControl(out _));
        Assert.True(queue.TryDequeueData(out byte[] first));
        Assert.True(queue.TryDequeueData(out byte[] second));
        Assert.Equal([1, 2], new[] { first[0], second[0] });
        Assert.False(queue.TryDequeueData(out _));
    }

    [Fact]
    public void A_batch_take_keeps_order_and_the_byte_count()
    {
        SendQueue queue = NewQueue();
        for (byte i = 0; i < 10; i++)
        {
            queue.TryEnqueue([i, 0, 0]);
        }

        var taken = new byte[4][];
        Assert.Equal(4, queue.DequeueData(taken));
        Assert.Equal([0, 1, 2, 3], taken.Select(f => f[0]));
        Assert.Equal(18, queue.QueuedBytes);
        Assert.Equal(4, queue.DequeueData(taken));
        Assert.Equal(2, queue.DequeueData(taken));
        Assert.Equal([8, 9], taken.Take(2).Select(f => f[0]));
        Assert.Equal(0, queue.DequeueData(taken));
        Assert.Equal(0, queue.QueuedBytes);
    }

    [Fact]
    public async Task Complete_ends_the_wait_only_once_both_lanes_are_drained()
    {
        SendQueue queue = NewQueue();
        queue.TryEnqueue([1]);
        queue.Complete();
        Assert.Equal(EnqueueResult.Closed, queue.TryEnqueue([2]));
        // The final error or goodbye of a close still goes out after Complete.
        Assert.True(queue.TryEnqueueControl([9]));

        Assert.True(await queue.WaitToReadAsync());
        Assert.True(queue.TryDequeueControl(out _));
        Assert.True(queue.TryDequeueData(out _));
        Assert.False(await queue.WaitToReadAsync());
    }

    [Fact]
    public async Task A_waiting_writer_wakes_when_the_queue_completes()
    {
        SendQueue queue = NewQueue();
        ValueTask<bool> waiting = queue.WaitToReadAsync();
        queue.Complete();
        Assert.False(await waiting.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void Discarding_drops_queued_data_and_its_bytes_but_not_control_frames()
    {
        SendQueue queue = NewQueue();
        queue.TryEnqueue(new byte[100]);
        queue.TryEnqueue(new byte[100]);
        queue.TryEnqueueControl([9]);
        queue.DiscardData();

        Assert.Equal(0, queue.QueuedBytes);
        Assert.Equal(EnqueueResult.Closed, queue.TryEnqueue([1]));
        Assert.False(queue.TryDequeueData(out _));
        Assert.True(queue.TryDequeueControl(out _));
    }

    [Fact]
    public async Task Concurrent_producers_lose_nothing_and_keep_their_own_order()
    {
        const int producers = 4;
        const int perProducer = 20_000;
        SendQueue queue = NewQueue(soft: long.MaxValue / 8, hard: long.MaxValue / 8);
        var next = new int[producers];
        int received = 0;

        Task reader = Task.Run(async () =>
        {
            while (await queue.WaitToReadAsync())
            {
                while (queue.TryDequeueData(out byte[] frame))
                {
                    int producer = frame[0];
                    int n = BitConverter.ToInt32(frame, 1);
                    Assert.Equal(next[producer], n);
                    next[producer] = n + 1;
                    received++;
                }
            }
        });
        Task[] writers = [.. Enumerable.Range(0, producers).Select(p => Task.Run(() =>
        {
            for (int i = 0; i < perProducer; i++)
            {
                var frame = new byte[5];
                frame[0] = (byte)p;
                BitConverter.TryWriteBytes(frame.AsSpan(1), i);
                Assert.Equal(EnqueueResult.Queued, queue.TryEnqueue(frame));
            }
        }))];

        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));
        queue.Complete();
        await reader.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(producers * perProducer, received);
        Assert.All(next, n => Assert.Equal(perProducer, n));
        Assert.Equal(0, queue.QueuedBytes);
    }

    [Fact]
    public void A_scope_defers_the_wake_and_runs_the_writer_on_its_own_thread_once_for_all_frames()
    {
        SendQueue queue = NewQueue();
        var writer = new RecordingWriter(queue);
        int here = Environment.CurrentManagedThreadId;

        using (WriterWakes.Defer())
        {
            queue.TryEnqueue([1]);
            queue.TryEnqueue([2]);
            queue.TryEnqueue([3]);
            Assert.Equal(0, writer.Wakes);
        }

        // Ran inside Dispose, on this thread: one wake-up took all three frames.
        Assert.Equal(1, writer.Wakes);
        Assert.Equal(3, writer.Frames);
        Assert.Equal([here], writer.Threads);
    }

    [Fact]
    public async Task Without_a_scope_the_writer_never_runs_on_the_producers_thread()
    {
        SendQueue queue = NewQueue();
        var writer = new RecordingWriter(queue);
        int here = Environment.CurrentManagedThreadId;

        queue.TryEnqueue([1]);
        // Read before this thread yields: from here on the pool could run the writer on it too.
        bool ranInline = writer.Threads.Contains(here);

        Assert.False(ranInline);
        await Poll.UntilAsync(() => writer.Frames == 1, "the writer takes the frame");
    }

    [Fact]
    public async Task A_scope_with_thousands_of_frames_is_shared_with_the_thread_pool_a_part_per_core()
    {
        // A fan-out batch of many messages: 100 members, 50 frames each.
        const int Queues = 100, FramesEach = 50;
        (RecordingWriter[] writers, int ranHere) = WakeInScope(Queues, FramesEach);

        await Poll.UntilAsync(() => writers.All(w => w.Frames == FramesEach), "every writer takes its frames");
        int parts = Math.Min(Environment.ProcessorCount, Queues * FramesEach / WriterWakes.MinFramesPerPart);
        Assert.Equal(parts <= 1 ? Queues : (Queues + parts - 1) / parts, ranHere);
        Assert.All(writers, w => Assert.Equal(1, w.Wakes));
    }

    [Fact]
    public void A_message_into_a_room_of_five_hundred_is_written_by_the_scopes_thread_alone()
    {
        // Chat rates: one frame per member. Sharing it with another core cost the readers more than it saved.
        (RecordingWriter[] writers, int ranHere) = WakeInScope(500, 1);

        Assert.Equal(500, ranHere);
        Assert.All(writers, w => Assert.Equal(1, w.Frames));
    }

    // Queues frames for fresh writers inside one scope; returns them and how many ran on this thread, counted
    // before this thread yields, so that only the part run inside the scope's end can show it.
    private static (RecordingWriter[] Writers, int RanHere) WakeInScope(int queues, int framesEach)
    {
        var writers = new RecordingWriter[queues];
        var all = new SendQueue[queues];
        for (int i = 0; i < queues; i++)
        {
            all[i] = NewQueue();
            writers[i] = new RecordingWriter(all[i]);
        }

        int here = Environment.CurrentManagedThreadId;
        using (WriterWakes.Defer())
        {
            for (int f = 0; f < framesEach; f++)
            {
                foreach (SendQueue queue in all)
                {
                    queue.TryEnqueue([1]);
                }
            }
        }

        return (writers, writers.Count(w => w.Threads.Contains(here)));
    }

    [Fact]
    public async Task A_wake_from_elsewhere_while_deferred_loses_nothing_and_wakes_no_one_twice()
    {
        SendQueue queue = NewQueue();
        var writer = new RecordingWriter(queue);

        using (WriterWakes.Defer())
        {
            queue.TryEnqueue([1]);
            // A control frame wakes the writer at once (on the pool); the deferred wake then finds it busy or waiting anew.
            queue.TryEnqueueControl([9]);
            // A scope can't span an await (it is per thread): a bounded synchronous wait instead.
            Assert.True(SpinWait.SpinUntil(() => writer.Frames == 2, TimeSpan.FromSeconds(10)), "the control frame's wake-up takes both frames");
        }

        queue.TryEnqueue([2]);
        await Poll.UntilAsync(() => writer.Frames == 3, "the next frame still wakes the writer");
        queue.Complete();
        await writer.Done.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Scopes_nest_and_only_the_outermost_runs_the_writers()
    {
        SendQueue queue = NewQueue();
        var writer = new RecordingWriter(queue);

        using (WriterWakes.Defer())
        {
            using (WriterWakes.Defer())
            {
                queue.TryEnqueue([1]);
            }

            Assert.Equal(0, writer.Wakes);
        }

        Assert.Equal(1, writer.Frames);
    }

    /// <summary>A write loop in miniature: waits, drains both lanes, and records where and how often it ran.</summary>
    private sealed class RecordingWriter
    {
        private readonly SendQueue _queue;
        private int _wakes;
        private int _frames;

        public RecordingWriter(SendQueue queue)
        {
            _queue = queue;
            // Runs synchronously up to its first wait, so the writer is waiting when the constructor returns.
            Done = RunAsync();
        }

        public Task Done { get; }

        public int Wakes => Volatile.Read(ref _wakes);

        public int Frames => Volatile.Read(ref _frames);

        public System.Collections.Concurrent.ConcurrentBag<int> Threads { get; } = [];

        private async Task RunAsync()
        {
            while (await _queue.WaitToReadAsync().ConfigureAwait(false))
            {
                Threads.Add(Environment.CurrentManagedThreadId);
                Interlocked.Increment(ref _wakes);
                while (_queue.TryDequeueControl(out _) || _queue.TryDequeueData(out _))
                {
                    Interlocked.Increment(ref _frames);
                }
            }
        }
    }
}
