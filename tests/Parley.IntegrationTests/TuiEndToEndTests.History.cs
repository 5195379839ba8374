using System.Globalization;
using System.Text.RegularExpressions;
using Parley.Server.Storage;
using Parley.Storage.Sqlite;
using Parley.TestUtilities;

namespace Parley.IntegrationTests;

// Away and whois, the backlog on join, and read markers that outlive the client.
public sealed partial class TuiEndToEndTests
{
    [Fact]
    public async Task Away_dims_the_nick_in_another_clients_member_list_and_whois_shows_the_message()
    {
        await using ServerProcess server = await ServerProcess.StartAsync();
        await using var terminal = new TmuxTerminal();
        string alice = await StartInRoomAsync(terminal, server, "alice", "#a");
        string bob = await StartInRoomAsync(terminal, server, "bob", "#a");
        await terminal.WaitForScreenAsync(alice, s => MemberRow(s, "bob") >= 0, "listing bob as a member");
        Assert.False(await IsFaintAsync(terminal, alice, "bob"), "bob is dimmed before going away");

        await SayAsync(terminal, bob, "/away gone fishing");
        await terminal.WaitForScreenAsync(bob, s => Row(s, StatusRow).Contains("[bob (away)]", StringComparison.Ordinal), "marking bob away in his status line");
        await Poll.UntilAsync(() => IsFaintAsync(terminal, alice, "bob"), "alice's member list shows bob dimmed");
        Assert.False(await IsFaintAsync(terminal, alice, "alice"), "alice is dimmed too");
        Assert.DoesNotContain("gone fishing", await terminal.ScreenAsync(alice), StringComparison.Ordinal);

        await SayAsync(terminal, alice, "/whois bob");
        string screen = await terminal.WaitForScreenAsync(alice, s => s.Contains("-- bob (guest)", StringComparison.Ordinal) && s.Contains("idle: ", StringComparison.Ordinal), "showing bob's whois");
        Assert.Contains("rooms: #a", screen, StringComparison.Ordinal);
        Assert.Contains("away: gone fishing", screen, StringComparison.Ordinal);
        Assert.Matches(@"connected: \d\d:\d\d \(\d+ s ago\)", screen);

        await SayAsync(terminal, bob, "/back");
        await Poll.UntilAsync(async () => !await IsFaintAsync(terminal, alice, "bob"), "alice's member list shows bob plain again");
    }

    [Fact]
    public async Task Joining_a_room_with_60_earlier_messages_shows_the_last_50_in_order_under_their_day()
    {
        string data = Path.Combine(Path.GetTempPath(), "parley-tests", Guid.NewGuid().ToString("N"));
        try
        {
            // Stored before the server starts, from yesterday: what a room looks like after a day of talk.
            DateTimeOffset yesterday = DateTimeOffset.Now.Date.AddDays(-1).AddHours(9);
            Seed(data, "#a", Enumerable.Range(1, 60).Select(i => ("carol", $"early {i:00}", yesterday.AddMinutes(i))));
            await using ServerProcess server = await ServerProcess.StartWithDataAsync(0, data);
            await using var terminal = new TmuxTerminal();
            string alice = await terminal.StartChatAsync(server, "alice");
            await terminal.ResizeAsync(alice, TmuxTerminal.Width, 70);
            await terminal.WaitForScreenAsync(alice, s => Row(s, 68).Contains(": connected]", StringComparison.Ordinal), "connected, at 70 rows");

            await SayAsync(terminal, alice, "/join #a");
            string screen = await terminal.WaitForScreenAsync(alice, s => s.Contains("<carol> early 60", StringComparison.Ordinal), "showing the backlog");

            string[] rows = screen.Split('\n');
            List<string> shown = [.. rows.Select(r => EarlyLine().Match(r)).Where(m => m.Success).Select(m => m.Groups[1].Value)];
            Assert.Equal([.. Enumerable.Range(11, 50).Select(i => i.ToString("00", CultureInfo.InvariantCulture))], shown);
            int first = Array.FindIndex(rows, r => r.Contains("<carol> early 11", StringComparison.Ordinal));
            int joined = Array.FindIndex(rows, r => r.Contains("you joined #a", StringComparison.Ordinal));
            string day = yesterday.ToString("dddd d MMMM yyyy", CultureInfo.InvariantCulture);
            Assert.Contains($"─── {day}", rows[first - 1], StringComparison.Ordinal);
            Assert.True(joined > first + 49, "the join notice comes after the backlog");
            Assert.Contains("─── " + DateTimeOffset.Now.ToString("dddd d MMMM yyyy", CultureInfo.InvariantCulture), rows[joined - 1], StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Read_markers_and_unread_direct_messages_survive_a_restart_of_the_client()
    {
        await using ServerProcess server = await ServerProcess.StartAsync();
        await using var terminal = new TmuxTerminal();
        string alice = await StartInRoomAsync(terminal, server, "alice", "#a");
        await using ChatProcess bob = await ChatProcess.StartAsync(server, "bob");
        await bob.JoinAsync("#a");
        for (int i = 1; i <= 5; i++)
        {
            await bob.TypeAsync($"read {i}");
        }

        await terminal.WaitForScreenAsync(alice, s => s.Contains("<bob> read 5", StringComparison.Ordinal), "showing what alice reads");
        await bob.TypeAsync("/msg alice psst");
        await terminal.WaitForScreenAsync(alice, s => s.Contains("3.bob", StringComparison.Ordinal) && s.Contains("[act: 3*]", StringComparison.Ordinal), "listing bob's direct message, unread");
        await SayAsync(terminal, alice, "/quit");
        Assert.Equal(0, await terminal.WaitForExitAsync(alice));
        await bob.WaitForLineAsync(l => l.StartsWith("[#a] <-- alice quit", StringComparison.Ordinal), reason: "seeing alice leave");
        for (int i = 1; i <= 3; i++)
        {
            await bob.TypeAsync($"unread {i}");
        }

        await bob.WaitForLineAsync(l => l == "[#a] <bob> unread 3", reason: "with its last message stored and delivered");

        string again = await terminal.StartChatAsync(server, "alice", name: "alice-again");
        await terminal.WaitForScreenAsync(again, s => s.Contains("1 unread direct message from bob (buffer 2)", StringComparison.Ordinal), "telling of bob's unread message");
        await JoinAsync(terminal, again, "#a");
        string screen = await terminal.WaitForScreenAsync(again, s => s.Contains("<bob> unread 3", StringComparison.Ordinal), "showing the backlog");
        string[] rows = screen.Split('\n');
        int marker = Array.FindIndex(rows, r => r.Contains("─── new", StringComparison.Ordinal));
        Assert.True(marker > 0, await terminal.ExplainAsync(again, "no read marker"));
        Assert.Contains("<bob> read 5", rows[marker - 1], StringComparison.Ordinal);
        Assert.Contains("<bob> unread 1", rows[marker + 1], StringComparison.Ordinal);
        Assert.Contains(rows, r => r.Contains(" 2.bob", StringComparison.Ordinal) && r.Contains(" 1*", StringComparison.Ordinal));

        await terminal.PressAsync(again, "M-2");
        await terminal.WaitForScreenAsync(again, s => Row(s, 0).StartsWith(" bob", StringComparison.Ordinal) && s.Contains("<bob> psst", StringComparison.Ordinal), "showing bob's direct message");
    }

    [Fact]
    public async Task An_accounts_rooms_come_back_when_the_client_starts_again_with_what_was_said_meanwhile()
    {
        await using ServerProcess server = await ServerProcess.StartAsync();
        await using var terminal = new TmuxTerminal();
        using var secrets = new TempDirectory();
        string passwordFile = Path.Combine(secrets.Path, "password");
        await File.WriteAllTextAsync(passwordFile, "correct horse battery\n");
        string[] login = ["--account", "alice", "--password-file", passwordFile, .. server.ClientArgs];

        string alice = await terminal.StartChatAsync(server.Address, "alice", "alice", ["--register", .. login]);
        await terminal.WaitForScreenAsync(alice, s => Row(s, StatusRow).Contains(": connected]", StringComparison.Ordinal), "saying it is connected");
        await JoinAsync(terminal, alice, "#team");
        await JoinAsync(terminal, alice, "#ops");
        await SayAsync(terminal, alice, "/quit");
        Assert.Equal(0, await terminal.WaitForExitAsync(alice));

        await using ChatProcess bob = await ChatProcess.StartAsync(server, "bob");
        await bob.JoinAsync("#team");
        await bob.TypeAsync("said while alice was away");
        await bob.WaitForLineAsync(l => l == "[#team] <bob> said while alice was away", reason: "with the message stored and delivered");

        // Another device: its own data directory, no resume token, no /join.
        string again = await terminal.StartChatAsync(server.Address, "alice", "alice-laptop", login);
        await terminal.WaitForScreenAsync(again,
            s => s.Contains(" 2.#team", StringComparison.Ordinal) && s.Contains(" 3.#ops", StringComparison.Ordinal), "listing the remembered rooms");
        await terminal.PressAsync(again, "M-2");
        await terminal.WaitForScreenAsync(again,
            s => Row(s, 0).StartsWith(" #team", StringComparison.Ordinal) && s.Contains("<bob> said while alice was away", StringComparison.Ordinal)
                && s.Contains("back in #team (2 members)", StringComparison.Ordinal),
            "showing #team with what bob said, without a /join");
    }

    /// <summary>Stores messages in the room's history in the data directory, as a server would have.</summary>
    private static void Seed(string data, string room, IEnumerable<(string From, string Text, DateTimeOffset At)> messages)
    {
        Directory.CreateDirectory(data);
        using SqliteChatStore store = SqliteChatStore.InDataDirectory(data);
        store.Open();
        store.SaveRoom(new RoomRecord(room, room, string.Empty, string.Empty, DateTimeOffset.Now.ToUnixTimeMilliseconds()));
        ulong id = 1;
        store.AppendBatch([.. messages.Select(m => new MessageToStore(room, m.From, m.From, string.Empty, m.Text, false, string.Empty, id++ << 16, m.At.ToUnixTimeMilliseconds()))]);
    }

    /// <summary>The row where the member list (right of the last divider) shows <paramref name="nick"/>; -1 when none.</summary>
    private static int MemberRow(string screen, string nick) =>
        Array.FindIndex(screen.Split('\n'), r => r.LastIndexOf('│') is int bar and >= 0 && r[(bar + 1)..].Trim() == nick);

    /// <summary>Whether the member list draws <paramref name="nick"/> faint (SGR 2, the dimmed away style).</summary>
    private static async Task<bool> IsFaintAsync(TmuxTerminal terminal, string target, string nick)
    {
        string[] plain = (await terminal.ScreenAsync(target)).Split('\n');
        string[] styled = (await terminal.ScreenWithAttributesAsync(target)).Split('\n');
        int row = MemberRow(string.Join('\n', plain), nick);
        if (row < 0 || row >= styled.Length)
        {
            return false;
        }

        // The attributes in force where the nickname starts: every SGR after the last divider and before it.
        string line = styled[row];
        int bar = line.LastIndexOf('│');
        int at = line.IndexOf(nick, bar + 1, StringComparison.Ordinal);
        bool faint = false;
        foreach (Match sgr in Sgr().Matches(line[(bar + 1)..at]))
        {
            faint = Faint(sgr.Groups[1].Value, faint);
        }

        return faint;
    }

    /// <summary>Applies one SGR's parameters to the faint flag: 2 sets it, 0 (or none) and 22 clear it; colour arguments are skipped.</summary>
    private static bool Faint(string parameters, bool faint)
    {
        string[] p = parameters.Length == 0 ? ["0"] : parameters.Split(';');
        for (int i = 0; i < p.Length; i++)
        {
            switch (p[i])
            {
                case "0" or "" or "22":
                    faint = false;
                    break;
                case "2":
                    faint = true;
                    break;
                case "38" or "48" or "58":
                    // 38;5;N and 38;2;R;G;B: their arguments are not attributes.
                    i += i + 1 < p.Length && p[i + 1] == "5" ? 2 : 4;
                    break;
            }
        }

        return faint;
    }

    [GeneratedRegex("\u001b\\[([0-9;]*)m")]
    private static partial Regex Sgr();

    [GeneratedRegex(@"<carol> early (\d\d)")]
    private static partial Regex EarlyLine();
}
