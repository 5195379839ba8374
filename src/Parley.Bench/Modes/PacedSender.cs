using System.Diagnostics;
using Parley.Bench.Server;
using Parley.Bench.Wire;

namespace Parley.Bench.Modes;

/// <summary>
/// Sends message i at <c>start + i * period</c> on its own thread, round-robin over the senders,
/// each stamped with that intended time and carrying i as its client message id (so a reply can say which
/// intended time it answers). Sends block: if the server stops reading, the schedule slips and every late
/// message carries its lateness into the latency figures.
/// </summary>
/// <param name="templates">One for every sender (one room), or one per sender (a room each).</param>
internal sealed class PacedSender(BenchClient[] senders, SayTemplate[] templates, long start, double period, long total, long recordFrom)
{
    private long _sent;
    private volatile bool _stop;

    public long Sent => Volatile.Read(ref _sent);

    /// <summary>How late each measured send left, from its intended time: the bench's own share of the latency.</summary>
    public LatencyHistogram Lag { get; } = new();

    public long FirstSend { get; private set; }

    public long LastSend { get; private set; }

    public Exception? Failure { get; private set; }

    /// <summary>The Stopwatch timestamp message <paramref name="index"/> was due.</summary>
    public long IntendedTime(ulong index) => start + (long)(index * period);

    /// <summary>Whether message <paramref name="index"/> is past the warm-up.</summary>
    public bool IsMeasured(ulong index) => IntendedTime(index) >= recordFrom;

    public Task StartAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Run();
            }
            catch (Exception ex)
            {
                // Reported with the result; the thread must not take the process down.
                Failure = ex;
            }
            finally
            {
                done.SetResult();
            }
        })
        { IsBackground = true, Name = "parley-bench-sender" };
        thread.Start();
        return done.Task;
    }

    /// <summary>Stops after the current send (the deadline passed).</summary>
    public void Stop() => _stop = true;

    private void Run()
    {
        for (long i = 0; i < total && !_stop; i++)
        {
            long intended = IntendedTime((ulong)i);
            long now = Stopwatch.GetTimestamp();
            while (now < intended)
            {
                Native.SleepMicroseconds(Ticks.ToNanoseconds(intended - now) / 1000);
                now = Stopwatch.GetTimestamp();
            }

            int k = (int)(i % senders.Length);
            senders[k].SendStamped(templates[k % templates.Length], intended, (ulong)i);
            long sent = Stopwatch.GetTimestamp();
            if (i == 0)
            {
                FirstSend = sent;
            }

            LastSend = sent;
            if (intended >= recordFrom)
            {
                Lag.Record(Ticks.ToNanoseconds(sent - intended));
            }

            Volatile.Write(ref _sent, i + 1);
        }
    }
}
