using System.Text;
using System.Text.RegularExpressions;
using Parley.TestUtilities;

namespace Parley.IntegrationTests;

/// <summary>
/// The full-screen <c>parley chat</c> in a real terminal (tmux, 100x30) against the real server process; every
/// assertion reads the screen (<c>capture-pane</c>) or the raw bytes the client wrote (<c>pipe-pane</c>).
/// </summary>
public sealed partial class TuiEndToEndTests
{
    private const int InputRow = TmuxTerminal.Height - 1;
    private const int StatusRow = TmuxTerminal.Height - 2;

    [Fact]
    public async Task A_half_typed_line_stays_intact_while_100_messages_arrive()
    {
        // A hundred messages in a burst (at the default 2 a second they would take most of a minute).
        await using ServerProcess server = await ServerProcess.StartAsync(0, "--no-rate-limits");
        await using var terminal = new TmuxTerminal();
        string alice = await StartInRoomAsync(terminal, server, "alice", "#a");
        await using ChatProcess carol = await ChatProcess.StartAsync(server, "carol");
        await carol.JoinAsync("#a");

        await terminal.TypeAsync(alice, "half typed li");
        await terminal.WaitForScreenAsync(alice, s => Row(s, InputRow).StartsWith("[#a] half typed li", StringComparison.Ordinal), "showing the typed text");
        for (int i = 0; i < 100; i++)
        {
            await carol.TypeAsync($"message {i:000}");
        }

        string screen = await terminal.WaitForScreenAsync(alice, s => s.Contains("<carol> message 099", StringComparison.Ordinal), "showing the 100th message");
        Assert.True(Row(screen, InputRow).TrimEnd() == "[#a] half typed li", await terminal.ExplainAsync(alice, "the input line changed"));
        Assert.StartsWith(" #a", Row(screen, 0), StringComparison.Ordinal);
        Assert.Contains(": connected]", Row(screen, StatusRow), StringComparison.Ordinal);

        await terminal.TypeAsync(alice, "ne");
        await terminal.PressAsync(alice, "Enter");
        await carol.WaitForLineAsync(l => l == "[#a] <alice> half typed line", reason: "with alice's line, typed in two halves around the burst");
    }

    [Fact]
    public async Task Alt_2_switches_buffers_and_tab_completes_a_nickname()
    {
        await using ServerProcess server = await ServerProcess.StartAsync();
        await using var terminal = new TmuxTerminal();
        string bob = await StartInRoomAsync(terminal, server, "bob", "#a");
        string alice = await StartInRoomAsync(terminal, server, "alice", "#a");
        await terminal.TypeAsync(bob, "hi all");
        await terminal.PressAsync(bob, "Enter");
        await terminal.WaitForScreenAsync(alice, s => s.Contains("<bob> hi all", StringComparison.Ordinal), "showing bob's line");

        await JoinAsync(terminal, alice, "#b");
        await terminal.PressAsync(alice, "M-2");
        await terminal.WaitForScreenAsync(alice, s => Row(s, 0).StartsWith(" #a", StringComparison.Ordinal) && Row(s, InputRow).StartsWith("[#a]", StringComparison.Ordinal), "showing #a after Alt+2");

        await terminal.TypeAsync(alice, "bo");
        await terminal.WaitForScreenAsync(alice, s => Row(s, InputRow).StartsWith("[#a] bo", StringComparison.Ordinal), "showing 'bo'");
        await terminal.PressAsync(alice, "Tab");
        await terminal.WaitForScreenAsync(alice, s => Row(s, InputRow).TrimEnd() == "[#a] bob:", "completing bob");
        await terminal.TypeAsync(alice, "hello");
        await terminal.PressAsync(alice, "Enter");
        await terminal.WaitForScreenAsync(bob, s => s.Contains("<alice> bob: hello", StringComparison.Ordinal), "showing alice's completed line");

        // Ctrl+C clears a line (the terminal's raw mode delivers it as a key, not SIGINT), and on an empty one hints.
        await terminal.TypeAsync(alice, "oops");
        await terminal.WaitForScreenAsync(alice, s => Row(s, InputRow).TrimEnd() == "[#a] oops", "showing 'oops'");
        await terminal.PressAsync(alice, "C-c");
        await terminal.WaitForScreenAsync(alice, s => Row(s, InputRow).TrimEnd() == "[#a]", "clearing the line on Ctrl+C");
        await terminal.PressAsync(alice, "C-c");
        await terminal.WaitForScreenAsync(alice, s => s.Contains("type /quit to leave", StringComparison.Ordinal), "hinting /quit");
        Assert.Null(await terminal.ExitStatusAsync(alice));
    }

    [Fact]
    public async Task A_mention_rings_the_bell()
    {
        await using ServerProcess server = await ServerProcess.StartAsync();
        await using var terminal = new TmuxTerminal();
        string alice = await StartInRoomAsync(terminal, server, "alice", "#a");
        string bob = await StartInRoomAsync(terminal, server, "bob", "#a");
        string raw = await terminal.RecordAsync(alice);

        await SayAsync(terminal, bob, "no mention here");
        await terminal.WaitForScreenAsync(alice, s => s.Contains("no mention here", StringComparison.Ordinal), "showing the plain line");
        Assert.False(HasBell(await File.ReadAllBytesAsync(raw)), "a line without a mention rang the bell");

        await SayAsync(terminal, bob, "alice: are you there?");
        await terminal.WaitForScreenAsync(alice, s => s.Contains("alice: are you there?", StringComparison.Ordinal), "showing the mention");
        await Poll.UntilAsync(async () => HasBell(await File.ReadAllBytesAsync(raw)), "alice's terminal received a bell");
    }

    [Fact]
    public async Task Restarting_the_server_shows_reconnecting_then_connected_with_the_rooms_rejoined()
    {
        // The same data directory, so the same key: the client's pin still holds after the restart.
        using var data = new TempDirectory();
        ServerProcess first = await ServerProcess.StartWithDataAsync(0, data.Path);
        int port = first.Port;
        await using var terminal = new TmuxTerminal();
        string alice = await StartInRoomAsync(terminal, first, "alice", "#a");
        await JoinAsync(terminal, alice, "#b");

        await first.Process.TerminateAsync();
        await terminal.WaitForScreenAsync(alice, s => ReconnectingIn().IsMatch(Row(s, StatusRow)), "saying 'reconnecting in N s (try K)'");
        await first.DisposeAsync();

        await using ServerProcess second = await ServerProcess.StartWithDataAsync(port, data.Path);
        Assert.Equal(first.Fingerprint, second.Fingerprint);
        await terminal.WaitForScreenAsync(
            alice,
            s => Row(s, StatusRow).Contains(": connected]", StringComparison.Ordinal) && s.Contains("rejoined #b", StringComparison.Ordinal),
            "connected again, with #b rejoined",
            TimeSpan.FromSeconds(60));
        await using ChatProcess bob = await ChatProcess.StartAsync(second, "bob");
        await bob.JoinAsync("#a");
        await bob.JoinAsync("#b");
        await SayAsync(terminal, alice, "back again");
        await bob.WaitForLineAsync(l => l == "[#b] <alice> back again", reason: "with alice's line after the restart");
        await terminal.PressAsync(alice, "M-2");
        await terminal.WaitForScreenAsync(alice, s => s.Contains("rejoined #a", StringComparison.Ordinal), "showing #a rejoined too");
    }

    [Fact]
    public async Task Escape_sequences_in_a_message_show_as_visible_text_and_the_screen_stays_intact()
    {
        await using ServerProcess server = await ServerProcess.StartAsync();
        await using var terminal = new TmuxTerminal();
        string alice = await StartInRoomAsync(terminal, server, "alice", "#a");
        await using ChatProcess mallory = await ChatProcess.StartAsync(server, "mallory");
        await mallory.JoinAsync("#a");
        await terminal.WaitForScreenAsync(alice, s => s.Contains("mallory joined", StringComparison.Ordinal), "showing mallory's join");
        string title = await terminal.TitleAsync(alice);
        string raw = await terminal.RecordAsync(alice);

        await mallory.TypeAsync("A\u001b[2JB\u001b]0;pwned\u0007C\u001b[5;5HD\u0007E\u009b31mF\u001b[?1049lG");
        string screen = await terminal.WaitForScreenAsync(alice, s => s.Contains("<mallory> A", StringComparison.Ordinal), "showing mallory's line");

        Assert.Contains("A␛[2JB␛]0;pwned␇C␛[5;5HD␇E", screen, StringComparison.Ordinal);
        Assert.StartsWith(" #a", Row(screen, 0), StringComparison.Ordinal);
        Assert.Contains("you joined #a", screen, StringComparison.Ordinal);
        Assert.Contains(": connected]", Row(screen, StatusRow), StringComparison.Ordinal);
        Assert.StartsWith("[#a]", Row(screen, InputRow), StringComparison.Ordinal);
        Assert.Equal(title, await terminal.TitleAsync(alice));
        string written = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(raw));
        Assert.DoesNotContain("\u001b]0;pwned", written, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[2J", written, StringComparison.Ordinal);
        Assert.False(HasBell(await File.ReadAllBytesAsync(raw)), "mallory's BEL reached the terminal");
    }

    [Fact]
    public async Task The_first_run_asks_for_a_nickname_and_saves_it_and_quit_says_goodbye()
    {
        await using ServerProcess server = await ServerProcess.StartAsync();
        await using var terminal = new TmuxTerminal();
        string first = await terminal.StartChatAsync(server, nick: null, name: "first");
        await terminal.WaitForScreenAsync(first, s => s.Contains("Nickname:", StringComparison.Ordinal), "asking for a nickname");
        await SayAsync(terminal, first, "zed");
        await terminal.WaitForScreenAsync(first, s => Row(s, StatusRow).Contains("[zed] [", StringComparison.Ordinal) && Row(s, StatusRow).Contains(": connected]", StringComparison.Ordinal), "connected as zed");
        string saved = await File.ReadAllTextAsync(Path.Combine(terminal.ConfigHome(first), "parley", "config.json"));
        Assert.Contains("\"nick\": \"zed\"", saved, StringComparison.Ordinal);

        await JoinAsync(terminal, first, "#a");
        await using ChatProcess bob = await ChatProcess.StartAsync(server, "bob");
        await bob.JoinAsync("#a");
        await SayAsync(terminal, first, "/quit see you");
        await bob.WaitForLineAsync(l => l == "[#a] <-- zed quit (left: see you)", reason: "with zed's goodbye");
        Assert.Equal(0, await terminal.WaitForExitAsync(first));
    }

    [Fact]
    public async Task The_title_counts_unread_messages_and_wide_characters_and_resizes_lay_out_correctly()
    {
        await using ServerProcess server = await ServerProcess.StartAsync();
        await using var terminal = new TmuxTerminal();
        string alice = await StartInRoomAsync(terminal, server, "alice", "#a");
        await JoinAsync(terminal, alice, "#b");
        await using ChatProcess bob = await ChatProcess.StartAsync(server, "bob");
        await bob.JoinAsync("#a");
        await bob.TypeAsync("日本語の文 and 🎉 emoji");
        await bob.TypeAsync("second");
        await Poll.UntilAsync(async () => await terminal.TitleAsync(alice) == "parley: #b (2 unread)", "the title counts 2 unread", TimeSpan.FromSeconds(30));
        await terminal.WaitForScreenAsync(alice, s => s.Contains("[act: 2]", StringComparison.Ordinal) && s.Contains(" 2.#a", StringComparison.Ordinal), "marking #a as active");

        await terminal.PressAsync(alice, "M-2");
        string screen = await terminal.WaitForScreenAsync(alice, s => s.Contains("<bob> 日本語の文 and 🎉 emoji", StringComparison.Ordinal), "showing the wide characters");
        Assert.Equal("parley: #a", await terminal.TitleAsync(alice));
        // The divider after the log stays in its column on the row with wide characters.
        string row = screen.Split('\n').First(r => r.Contains("日本語", StringComparison.Ordinal));
        string plain = screen.Split('\n').First(r => r.Contains("<bob> second", StringComparison.Ordinal));
        Assert.Equal(ColumnOf(plain, '│', 2), ColumnOf(row, '│', 2));

        await terminal.ResizeAsync(alice, 30, 6);
        await terminal.WaitForScreenAsync(alice, s => s.Replace("\n", " ", StringComparison.Ordinal).Contains("terminal too small", StringComparison.Ordinal), "saying the terminal is too small");
        await terminal.ResizeAsync(alice, 120, 40);
        await terminal.WaitForScreenAsync(alice, s => Row(s, 38).Contains(": connected]", StringComparison.Ordinal) && s.Contains("<bob> second", StringComparison.Ordinal), "laid out again at 120x40");
        await SayAsync(terminal, alice, "still here");
        await bob.WaitForLineAsync(l => l == "[#a] <alice> still here", reason: "with alice's line after the resizes");
    }

    /// <summary>The display column of the <paramref name="nth"/> occurrence of <paramref name="c"/> (wide characters count two).</summary>
    private static int ColumnOf(string row, char c, int nth)
    {
        int column = 0;
        foreach (string g in Parley.Tui.Text.CellWidth.Graphemes(row))
        {
            if (g[0] == c && --nth == 0)
            {
                return column;
            }

            column += Parley.Tui.Text.CellWidth.Of(g);
        }

        return -1;
    }

    /// <summary>Starts a client, waits until it is connected, and joins <paramref name="room"/>.</summary>
    private static async Task<string> StartInRoomAsync(TmuxTerminal terminal, ServerProcess server, string nick, string room)
    {
        string target = await terminal.StartChatAsync(server, nick);
        await terminal.WaitForScreenAsync(target, s => Row(s, StatusRow).Contains(": connected]", StringComparison.Ordinal), "saying it is connected");
        await JoinAsync(terminal, target, room);
        return target;
    }

    private static async Task JoinAsync(TmuxTerminal terminal, string target, string room)
    {
        await SayAsync(terminal, target, "/join " + room);
        await terminal.WaitForScreenAsync(target, s => s.Contains($"you joined {room}", StringComparison.Ordinal) && Row(s, 0).StartsWith(" " + room, StringComparison.Ordinal), $"showing {room} joined");
    }

    private static async Task SayAsync(TmuxTerminal terminal, string target, string line)
    {
        await terminal.TypeAsync(target, line);
        await terminal.PressAsync(target, "Enter");
    }

    private static string Row(string screen, int row)
    {
        string[] rows = screen.Split('\n');
        return row < rows.Length ? rows[row] : string.Empty;
    }

    /// <summary>A BEL that is not the terminator of an OSC sequence (the title update ends with one).</summary>
    private static bool HasBell(byte[] raw) => OscSequence().Replace(Encoding.Latin1.GetString(raw), string.Empty).Contains('\a', StringComparison.Ordinal);

    [GeneratedRegex("\u001b\\][^\u0007\u001b]*(\u0007|\u001b\\\\)")]
    private static partial Regex OscSequence();

    [GeneratedRegex(@"reconnecting in \d+ s \(try \d+\)")]
    private static partial Regex ReconnectingIn();
}
