using System.Diagnostics;
using Parley.Bench.Server;
using Parley.Bench.Wire;

namespace Parley.Bench.Modes;

/// <summary>
/// Sends message i at <c>start + i * period</c> on its own thread, round-robin over the senders,
/// each stamped with that intended time. Sends block: if the server stops reading, the schedule
/// slips and every late message carries its lateness into the latency figures.
/// </summary>
internal sealed class PacedSender(BenchClient[] senders, SayTemplate template, long start, double period, long total, long recordFrom)
{
    private long _sent;
    private volatile bool _stop;

    public long Sent => Volatile.Read(ref _sent);

    /// <summary>How late each measured send left, from its intended time: the bench's own share of the latency.</summary>
    public LatencyHistogram Lag { get; } = new();

    public long FirstSend { get; private set; }

    public long LastSend { get; private set; }

    public Exception? Failure { get; private set; }

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
            long intended = start + (long)(i * period);
            long now = Stopwatch.GetTimestamp();
            while (now < intended)
            {
                Native.SleepMicroseconds(Ticks.ToNanoseconds(intended - now) / 1000);
                now = Stopwatch.GetTimestamp();
            }

            senders[i % senders.Length].SendStamped(template, intended, (ulong)i);
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
