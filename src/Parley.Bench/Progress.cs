using System.Diagnostics;

namespace Parley.Bench;

/// <summary>
/// The progress line on standard error during long runs: rewritten in place on a terminal (twice a
/// second), one line every five seconds when redirected, nothing when quiet. Thread-safe.
/// </summary>
internal sealed class Progress(TextWriter? output, bool terminal)
{
    private readonly Lock _lock = new();
    private long _last = long.MinValue / 2;
    private bool _lineOpen;

    public static Progress Quiet { get; } = new(null, false);

    private long Interval => Stopwatch.Frequency * (terminal ? 1 : 10) / 2;

    /// <summary>Shows <paramref name="status"/> if enough time has passed since the last one (or <paramref name="force"/>).</summary>
    public void Report(Func<string> status, bool force = false)
    {
        if (output is null)
        {
            return;
        }

        long now = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            if (!force && now - _last < Interval)
            {
                return;
            }

            _last = now;
            if (terminal)
            {
                output.Write("\r\u001b[K" + status());
                _lineOpen = true;
            }
            else
            {
                output.WriteLine(status());
            }

            output.Flush();
        }
    }

    /// <summary>Clears the in-place line so the report starts on a clean one.</summary>
    public void Done()
    {
        lock (_lock)
        {
            if (_lineOpen && output is not null)
            {
                output.Write("\r\u001b[K");
                output.Flush();
                _lineOpen = false;
            }
        }
    }
}
