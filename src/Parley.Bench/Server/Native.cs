using System.Runtime.InteropServices;

namespace Parley.Bench.Server;

/// <summary>The two libc calls the bench needs on Linux: the file-descriptor limit and the clock tick.</summary>
internal static partial class Native
{
    // Linux values (x86-64 and arm64 alike).
    private const int RlimitNofile = 7;
    private const int ScClkTck = 2;

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRLimit(int resource, out RLimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRLimit(int resource, in RLimit limit);

    [LibraryImport("libc", EntryPoint = "usleep")]
    private static partial int USleep(uint microseconds);

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long SysConf(int name);

    /// <summary>
    /// Sleeps about <paramref name="microseconds"/> (Linux hrtimers: within ~60 µs, where Thread.Sleep
    /// rounds to whole milliseconds and would add up to a millisecond to every paced send).
    /// </summary>
    public static void SleepMicroseconds(long microseconds)
    {
        if (microseconds <= 0)
        {
            return;
        }

        if (OperatingSystem.IsLinux())
        {
            USleep((uint)Math.Min(microseconds, 1_000_000));
        }
        else
        {
            Thread.Sleep(TimeSpan.FromMicroseconds(Math.Max(1000, microseconds)));
        }
    }

    /// <summary>Clock ticks per second, the unit of utime and stime in /proc/PID/stat (100 on every Linux seen).</summary>
    public static long ClockTicksPerSecond()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 100;
        }

        long ticks = SysConf(ScClkTck);
        return ticks > 0 ? ticks : 100;
    }

    /// <summary>
    /// Raises this process's open-file limit to at least <paramref name="wanted"/> if it can: the
    /// soft limit up to the hard one always, the hard one too when privileged (root). A child
    /// started afterwards (the server) inherits it. Returns the soft limit now in force.
    /// </summary>
    public static long RaiseFileLimit(long wanted)
    {
        if (!OperatingSystem.IsLinux() || GetRLimit(RlimitNofile, out RLimit limit) != 0)
        {
            return -1;
        }

        if (limit.Current >= (ulong)wanted)
        {
            return (long)limit.Current;
        }

        var raised = new RLimit { Current = (ulong)wanted, Maximum = Math.Max(limit.Maximum, (ulong)wanted) };
        if (SetRLimit(RlimitNofile, raised) == 0)
        {
            return wanted;
        }

        // Not privileged: as far as the hard limit goes.
        raised = new RLimit { Current = limit.Maximum, Maximum = limit.Maximum };
        return SetRLimit(RlimitNofile, raised) == 0 ? (long)limit.Maximum : (long)limit.Current;
    }
}
