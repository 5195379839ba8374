using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Parley.Server.Hosting;

/// <summary>
/// Hands the memory that glibc's <c>malloc</c> holds free back to the operating system (<c>malloc_trim</c>) when
/// there is a lot of it (issue 6, docs/BENCHMARKS.md "TLS connections after a large message").
/// </summary>
/// <remarks>
/// <para>
/// OpenSSL allocates with <c>malloc</c>: a TLS connection's records (about 17 KiB each, freed once consumed, see
/// <see cref="Tls.OpenSslIdleBuffers"/>) and its memory BIOs' buffers. After a burst of traffic over many
/// connections, that memory is free again but stays in <c>malloc</c>'s arenas, resident: glibc returns only the
/// free space at the very top of an arena by itself. 5,000 TLS connections that had each received one 16 KB
/// message left 22 MiB free and resident in the arenas (4.4 KiB per connection), which <c>malloc_trim</c> gave back.
/// </para>
/// <para>
/// Every <see cref="ServerOptions.NativeMemoryTrimInterval"/> the trimmer asks <c>mallinfo2</c> how much is free
/// (a walk of the arenas' free lists) and trims only when at least
/// <see cref="ServerOptions.NativeMemoryTrimThresholdBytes"/> more is free than just after the last trim: a trim
/// walks every free chunk and advises the kernel of the pages inside it, holding each arena's lock meanwhile, so it
/// is not run for little gain (at 18,000 TLS connections a trim that gave back 58 MiB took 9.6 ms). glibc only
/// (2.33 or later, for <c>mallinfo2</c>); elsewhere it does nothing and says so once.
/// </para>
/// </remarks>
internal sealed class NativeMemoryTrimmer
{
    private static readonly Native? s_native = Native.Load();

    private readonly TimeSpan _interval;
    private readonly long _threshold;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private ITimer? _timer;
    private long _freeAfterTrim;

    public NativeMemoryTrimmer(TimeSpan interval, long threshold, TimeProvider time, ILogger logger)
    {
        _interval = interval;
        _threshold = threshold;
        _time = time;
        _logger = logger;
    }

    /// <summary>False where <c>malloc_trim</c> and <c>mallinfo2</c> are not there (not glibc, or glibc before 2.33).</summary>
    internal static bool Available => s_native is not null;

    /// <summary>Bytes free in <c>malloc</c>'s arenas now (<c>mallinfo2().fordblks</c>); -1 where unknown.</summary>
    internal static long FreeBytes => s_native?.FreeBytes() ?? -1;

    /// <summary>Trims that ran. For tests.</summary>
    internal int Trims { get; private set; }

    /// <summary>Starts the periodic check; does nothing when the interval is zero or trimming is not available here.</summary>
    public void Start()
    {
        if (_interval <= TimeSpan.Zero)
        {
            return;
        }

        if (s_native is null)
        {
            Log.NativeTrimUnavailable(_logger);
            return;
        }

        lock (_gate)
        {
            _timer ??= _time.CreateTimer(static state => ((NativeMemoryTrimmer)state!).TrimIfWorthIt(), this, _interval, _interval);
        }
    }

    /// <summary>
    /// Trims when at least the threshold more is free than after the last trim. Returns the bytes that were free, or
    /// -1 when it did not trim.
    /// </summary>
    internal long TrimIfWorthIt()
    {
        if (s_native is not { } native)
        {
            return -1;
        }

        lock (_gate)
        {
            // malloc still counts trimmed memory as free (its pages are merely given back), so what counts is how
            // much was freed since the last trim; memory reused meanwhile is resident again and lowers the mark.
            long free = native.FreeBytes();
            _freeAfterTrim = Math.Min(_freeAfterTrim, free);
            if (free - _freeAfterTrim < _threshold)
            {
                return -1;
            }

            // Two reads of /proc for the Debug line, only when it is written.
            bool logged = _logger.IsEnabled(LogLevel.Debug);
            long rssBefore = logged ? ResidentBytes() : 0;
            long started = Stopwatch.GetTimestamp();
            native.Trim();
            TimeSpan took = Stopwatch.GetElapsedTime(started);
            _freeAfterTrim = native.FreeBytes();
            Trims++;
            if (logged)
            {
                Log.NativeMemoryTrimmed(_logger, free >> 20, rssBefore >> 20, ResidentBytes() >> 20, took.TotalMilliseconds);
            }

            return free;
        }
    }

    /// <summary>Stops the periodic check (the server's stop).</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    /// <summary>This process's resident memory from /proc/self/statm (its second field, in pages); -1 if unreadable.</summary>
    internal static long ResidentBytes()
    {
        try
        {
            string[] fields = File.ReadAllText("/proc/self/statm").Split(' ');
            return fields.Length > 1 && long.TryParse(fields[1], out long pages) ? pages * Environment.SystemPageSize : -1;
        }
        catch (IOException)
        {
            return -1;
        }
    }

    private sealed class Native
    {
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate int TrimFn(nuint pad);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate Mallinfo2 MallinfoFn();

        private readonly TrimFn _trim;
        private readonly MallinfoFn _mallinfo;

        private Native(TrimFn trim, MallinfoFn mallinfo)
        {
            _trim = trim;
            _mallinfo = mallinfo;
        }

        public long FreeBytes() => (long)_mallinfo().Fordblks;

        public void Trim() => _trim(0);

        public static Native? Load()
        {
            if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad("libc.so.6", out nint libc)
                || !NativeLibrary.TryGetExport(libc, "malloc_trim", out nint trim) || !NativeLibrary.TryGetExport(libc, "mallinfo2", out nint mallinfo))
            {
                return null;
            }

            return new Native(Marshal.GetDelegateForFunctionPointer<TrimFn>(trim), Marshal.GetDelegateForFunctionPointer<MallinfoFn>(mallinfo));
        }

        /// <summary>struct mallinfo2 (malloc.h, glibc 2.33): ten size_t fields; fordblks is the free bytes in the arenas.</summary>
        [StructLayout(LayoutKind.Sequential)]
        private readonly struct Mallinfo2
        {
            public readonly nuint Arena, Ordblks, Smblks, Hblks, Hblkhd, Usmblks, Fsmblks, Uordblks, Fordblks, Keepcost;
        }
    }
}
