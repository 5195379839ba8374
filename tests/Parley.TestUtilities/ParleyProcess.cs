using System.Diagnostics;
using System.Text;

namespace Parley.TestUtilities;

/// <summary>
/// Runs the built <c>parley</c> executable (<c>parley.dll</c> next to the test assembly, through the
/// <c>dotnet</c> host) with redirected standard streams, and collects its output line by line so a test
/// can wait for the line it expects. Disposing kills the process if it is still running (only that
/// process: it is the one this object started).
/// </summary>
public sealed class ParleyProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly Lock _lock = new();
    private readonly Task _stdoutPump;
    private readonly Task _stderrPump;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _stdoutClosed;

    private ParleyProcess(Process process, string description)
    {
        _process = process;
        Description = description;
        _stdoutPump = PumpAsync(process.StandardOutput, _stdout, isStdout: true);
        _stderrPump = PumpAsync(process.StandardError, _stderr, isStdout: false);
    }

    /// <summary>
    /// <c>parley.dll</c> as copied next to the test assembly by a project reference to Parley.Cli, or the one
    /// <c>PARLEY_TEST_DLL</c> names (to run the tests against another build).
    /// </summary>
    public static string ParleyDll =>
        Environment.GetEnvironmentVariable("PARLEY_TEST_DLL") is { Length: > 0 } other ? other : Path.Combine(AppContext.BaseDirectory, "parley.dll");

    /// <summary>The command line, for messages.</summary>
    public string Description { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>What the process has written to standard output so far, one entry per line.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lock)
            {
                return [.. _stdout];
            }
        }
    }

    /// <summary>What the process has written to standard error so far.</summary>
    public IReadOnlyList<string> ErrorLines
    {
        get
        {
            lock (_lock)
            {
                return [.. _stderr];
            }
        }
    }

    /// <summary>Starts <c>dotnet parley.dll ARGS</c>.</summary>
    public static ParleyProcess Start(params string[] args) => Start(new Dictionary<string, string>(), args);

    /// <summary>Starts <c>dotnet parley.dll ARGS</c> with these environment variables set as well (<c>XDG_DATA_HOME</c>, <c>PARLEY_PASSWORD</c>).</summary>
    public static ParleyProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        if (!File.Exists(ParleyDll))
        {
            throw new FileNotFoundException($"{ParleyDll} is missing: the test project must reference src/Parley.Cli.", ParleyDll);
        }

        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
            StandardInputEncoding = new UTF8Encoding(false),
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(ParleyDll);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Plain, predictable output: no colours, no terminal probing.
        info.Environment["NO_COLOR"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach ((string name, string value) in environment)
        {
            info.Environment[name] = value;
        }

        Process process = Process.Start(info) ?? throw new InvalidOperationException("the process did not start");
        return new ParleyProcess(process, "parley " + string.Join(' ', args));
    }

    /// <summary>Types a line into the process's standard input.</summary>
    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteAsync(line + "\n");
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Asks the process to stop as a service manager would (SIGTERM), for graceful-shutdown tests.</summary>
    public async Task TerminateAsync()
    {
        using Process kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("kill did not start");
        await kill.WaitForExitAsync();
    }

    /// <summary>SIGKILL: the process ends at once, with no chance to clean up.</summary>
    public void Kill() => _process.Kill();

    /// <summary>Closes standard input (the process sees end of file).</summary>
    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>
    /// Returns the first line of standard output, from the beginning, that matches <paramref name="match"/>,
    /// waiting for it up to <paramref name="timeout"/>.
    /// </summary>
    public Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan? timeout = null, string? reason = null) =>
        WaitForLineAsync(match, 0, timeout, reason);

    /// <summary>As <see cref="WaitForLineAsync(Func{string, bool}, TimeSpan?, string?)"/>, looking only at lines from index <paramref name="from"/> on.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, int from, TimeSpan? timeout = null, string? reason = null)
    {
        TimeSpan limit = timeout ?? Poll.DefaultTimeout;
        long start = Stopwatch.GetTimestamp();
        int next = from;
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                for (; next < _stdout.Count; next++)
                {
                    if (match(_stdout[next]))
                    {
                        return _stdout[next];
                    }
                }

                if (_stdoutClosed)
                {
                    throw new InvalidOperationException(Explain($"{Description} closed its output before printing a line {reason ?? "that matches"}"));
                }

                changed = _changed.Task;
            }

            TimeSpan left = limit - Stopwatch.GetElapsedTime(start);
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException(Explain($"Timed out after {limit.TotalSeconds:0.#} s waiting for {Description} to print a line {reason ?? "that matches"}"));
            }

            await Task.WhenAny(changed, Task.Delay(left));
        }
    }

    /// <summary>Waits for the process to exit and its output to be read; returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Poll.DefaultTimeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            await Task.WhenAll(_stdoutPump, _stderrPump).WaitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException(Explain($"{Description} did not exit within {(timeout ?? Poll.DefaultTimeout).TotalSeconds:0.#} s"));
        }

        return _process.ExitCode;
    }

    /// <summary>A message with the process's recent output appended, for failures.</summary>
    public string Explain(string message)
    {
        lock (_lock)
        {
            var sb = new StringBuilder(message).Append('.');
            sb.Append("\n--- stdout (last 40 lines) ---\n").AppendJoin('\n', _stdout.TakeLast(40));
            sb.Append("\n--- stderr (last 40 lines) ---\n").AppendJoin('\n', _stderr.TakeLast(40));
            return sb.ToString();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }

            await _process.WaitForExitAsync();
            await Task.WhenAll(_stdoutPump, _stderrPump).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            // Already gone, or its output pipes are held open by nothing we control.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static string DotnetHost()
    {
        // Set by the dotnet CLI for the processes it starts (the test host among them).
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        string? self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }

    private async Task PumpAsync(StreamReader reader, List<string> lines, bool isStdout)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (_lock)
            {
                lines.Add(line);
                Signal();
            }
        }

        lock (_lock)
        {
            if (isStdout)
            {
                _stdoutClosed = true;
            }

            Signal();
        }
    }

    private void Signal()
    {
        TaskCompletionSource changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }
}
