using System.Diagnostics;
using System.Globalization;
using System.Text;
using Parley.TestUtilities;

namespace Parley.IntegrationTests;

/// <summary>
/// A real terminal for the full-screen client: a tmux server of our own (<c>tmux -L parley-test-GUID</c>, no user
/// configuration), one session per client at a fixed size. Tests type with <c>send-keys</c>, read the screen with
/// <c>capture-pane</c>, and record the raw bytes a client writes with <c>pipe-pane</c>. Disposing kills the
/// clients it started (by pane PID) and then its tmux server.
/// </summary>
public sealed class TmuxTerminal : IAsyncDisposable
{
    public const int Width = 100;
    public const int Height = 30;

    private readonly string _socket = $"parley-test-{Guid.NewGuid():N}";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "parley-tui-tests", Guid.NewGuid().ToString("N"));
    private readonly List<int> _panePids = [];
    private bool _serverStarted;
    private string? _socketPath;

    public TmuxTerminal() => Directory.CreateDirectory(_directory);

    /// <summary>A client of <paramref name="server"/> that trusts its fingerprint (<c>--trust</c>), as <see cref="StartChatAsync(string, string?, string?, IReadOnlyList{string}?)"/>.</summary>
    public Task<string> StartChatAsync(ServerProcess server, string? nick, string? name = null) =>
        StartChatAsync(server.Address, nick, name, server.ClientArgs);

    /// <summary>
    /// Starts <c>parley chat ADDRESS --name NICK ARGS</c> (without <c>--name</c> when <paramref name="nick"/> is null) in a
    /// session called <paramref name="name"/>, with configuration and data directories of its own; returns its target.
    /// </summary>
    public async Task<string> StartChatAsync(string address, string? nick, string? name = null, IReadOnlyList<string>? extraArgs = null)
    {
        name ??= nick ?? throw new ArgumentNullException(nameof(name));
        // The pane's shell writes the client's exit status to a file: tmux 3.3 was seen not reaping a pane whose
        // client had used the console for a prompt before the full screen, leaving #{pane_dead_status} empty.
        string command = string.Join(' ', new[]
        {
            "env", $"XDG_CONFIG_HOME={Quote(ConfigHome(name))}", $"XDG_DATA_HOME={Quote(DataHome(name))}", "DOTNET_NOLOGO=1",
            Quote(DotnetHost()), Quote(ParleyProcess.ParleyDll), "chat", Quote(address), nick is null ? string.Empty : "--name " + Quote(nick),
            string.Join(' ', (extraArgs ?? []).Select(Quote)),
            "2>" + Quote(ErrorFile(name)) + ";", "echo", "$?", ">" + Quote(StatusFile(name)),
        });
        await TmuxAsync("new-session", "-d", "-s", name, "-x", Width.ToString(CultureInfo.InvariantCulture), "-y", Height.ToString(CultureInfo.InvariantCulture), command);
        if (!_serverStarted)
        {
            _serverStarted = true;
            // Keep a pane whose client died, so a failing test still shows its last screen.
            await TmuxAsync("set-option", "-g", "remain-on-exit", "on");
            _socketPath = (await TmuxAsync("display-message", "-p", "#{socket_path}")).Trim();
        }

        string pid = (await TmuxAsync("display-message", "-p", "-t", name, "#{pane_pid}")).Trim();
        _panePids.Add(int.Parse(pid, CultureInfo.InvariantCulture));
        return name;
    }

    /// <summary>The <c>XDG_CONFIG_HOME</c> the client in session <paramref name="name"/> runs with.</summary>
    public string ConfigHome(string name) => Path.Combine(_directory, "config-" + name);

    /// <summary>The <c>XDG_DATA_HOME</c> the client in session <paramref name="name"/> runs with (its known servers are there).</summary>
    public string DataHome(string name) => Path.Combine(_directory, "data-" + name);

    /// <summary>Resizes the client's terminal, as dragging a window edge would.</summary>
    public Task ResizeAsync(string target, int width, int height) =>
        TmuxAsync("resize-window", "-t", target, "-x", width.ToString(CultureInfo.InvariantCulture), "-y", height.ToString(CultureInfo.InvariantCulture));

    /// <summary>Waits for the client to exit and returns its exit status.</summary>
    public async Task<int> WaitForExitAsync(string target)
    {
        int? status = null;
        try
        {
            await Poll.UntilAsync(async () => (status = await ExitStatusAsync(target)) is not null, $"{target} exited");
            return status!.Value;
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(await ExplainAsync(target, ex.Message), ex);
        }
    }

    /// <summary>The client's exit status once it has exited; null while it runs.</summary>
    public async Task<int?> ExitStatusAsync(string target)
    {
        string file = StatusFile(target);
        string text = File.Exists(file) ? (await File.ReadAllTextAsync(file)).Trim() : string.Empty;
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int status) ? status : null;
    }

    /// <summary>The screen as text, one line per row (trailing blanks trimmed).</summary>
    public async Task<string> ScreenAsync(string target) => await TmuxAsync("capture-pane", "-p", "-t", target);

    /// <summary>The screen with its attributes as SGR escape sequences (<c>capture-pane -e</c>), one line per row.</summary>
    public async Task<string> ScreenWithAttributesAsync(string target) => await TmuxAsync("capture-pane", "-p", "-e", "-t", target);

    /// <summary>One row of the screen.</summary>
    public async Task<string> RowAsync(string target, int row)
    {
        string[] rows = (await ScreenAsync(target)).Split('\n');
        return row < rows.Length ? rows[row] : string.Empty;
    }

    /// <summary>The pane's title, as the client set it with OSC 0/2.</summary>
    public async Task<string> TitleAsync(string target) => (await TmuxAsync("display-message", "-p", "-t", target, "#{pane_title}")).Trim();

    /// <summary>Types text literally (no key names).</summary>
    public Task TypeAsync(string target, string text) => TmuxAsync("send-keys", "-t", target, "-l", text);

    /// <summary>Presses keys by tmux name: <c>Enter</c>, <c>Tab</c>, <c>M-2</c>, <c>C-a</c>.</summary>
    public Task PressAsync(string target, params string[] keys) => TmuxAsync(["send-keys", "-t", target, .. keys]);

    /// <summary>Appends everything the client writes to the terminal, from now on, to a file; returns its path.</summary>
    public async Task<string> RecordAsync(string target)
    {
        string file = Path.Combine(_directory, "raw-" + target);
        await File.WriteAllBytesAsync(file, []);
        await TmuxAsync("pipe-pane", "-O", "-t", target, "cat >> " + Quote(file));
        return file;
    }

    /// <summary>Waits until the screen satisfies <paramref name="condition"/>; fails with the screen and the client's stderr.</summary>
    public async Task<string> WaitForScreenAsync(string target, Func<string, bool> condition, string reason, TimeSpan? timeout = null)
    {
        string screen = string.Empty;
        try
        {
            await Poll.UntilAsync(async () => condition(screen = await ScreenAsync(target)), $"{target}'s screen {reason}", timeout);
            return screen;
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(await ExplainAsync(target, ex.Message), ex);
        }
    }

    /// <summary>A failure message with the client's current screen and its standard error.</summary>
    public async Task<string> ExplainAsync(string target, string message)
    {
        var sb = new StringBuilder(message);
        sb.Append("\n--- screen of ").Append(target).Append(" ---\n").Append(await ScreenAsync(target));
        string errors = ErrorFile(target);
        if (File.Exists(errors))
        {
            string text = await File.ReadAllTextAsync(errors);
            sb.Append("\n--- stderr ---\n").Append(text.Length > 4000 ? text[..4000] : text);
        }

        return sb.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (int pid in _panePids)
        {
            try
            {
                using Process process = Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or TimeoutException)
            {
                // Already gone.
            }
        }

        if (_serverStarted)
        {
            try
            {
                await TmuxAsync("kill-server");
            }
            catch (InvalidOperationException)
            {
                // No server left: every session had ended.
            }

            // tmux leaves its socket file behind when the server is killed.
            if (_socketPath is { Length: > 0 } && File.Exists(_socketPath))
            {
                File.Delete(_socketPath);
            }
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS's temporary-file cleanup.
        }
    }

    private string ErrorFile(string name) => Path.Combine(_directory, "stderr-" + name);

    private string StatusFile(string name) => Path.Combine(_directory, "status-" + name);

    private Task<string> TmuxAsync(params string[] args) => RunTmuxAsync(_socket, args);

    private static async Task<string> RunTmuxAsync(string socket, string[] args)
    {
        var info = new ProcessStartInfo("tmux")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in (string[])["-L", socket, "-f", "/dev/null", .. args])
        {
            info.ArgumentList.Add(arg);
        }

        using Process tmux = Process.Start(info) ?? throw new InvalidOperationException("tmux did not start");
        Task<string> output = tmux.StandardOutput.ReadToEndAsync();
        Task<string> error = tmux.StandardError.ReadToEndAsync();
        await tmux.WaitForExitAsync();
        if (tmux.ExitCode != 0)
        {
            throw new InvalidOperationException($"tmux {string.Join(' ', args)} failed ({tmux.ExitCode}): {await error}");
        }

        return await output;
    }

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string DotnetHost()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        string? self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }
}
