using System.Globalization;

namespace Parley.Bench.Server;

/// <summary>A process's CPU time (user + system) and resident memory at one moment, from /proc.</summary>
public readonly record struct ProcessSample(TimeSpan Cpu, long RssBytes)
{
    private static readonly long ClockTicks = Native.ClockTicksPerSecond();

    /// <summary>Reads /proc/<paramref name="pid"/>; null when it is not there (not Linux, or the process is gone).</summary>
    public static ProcessSample? Read(int pid)
    {
        try
        {
            // Fields after the command name, which is in parentheses and may itself hold spaces and ')'.
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // utime and stime are fields 14 and 15 of the whole line; the list here starts at field 3.
            long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            long rss = 0;
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
                    break;
                }
            }

            return new ProcessSample(TimeSpan.FromSeconds((double)ticks / ClockTicks), rss);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>This process (the load generator): CPU from the runtime, memory from /proc when there.</summary>
    public static ProcessSample Self()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return new ProcessSample(self.TotalProcessorTime, self.WorkingSet64);
    }
}
