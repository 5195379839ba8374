using System.Text.RegularExpressions;
using Parley.TestUtilities;

namespace Parley.IntegrationTests;

/// <summary>The real server and the real <c>parley chat --plain</c> clients, talking over sockets on 127.0.0.1.</summary>
public sealed partial class PlainChatEndToEndTests
{
    private const int RoomLines = 15;
    private const int SideRoomLines = 8;
    private const int DirectLines = 5;

    [Fact]
    public async Task Three_clients_in_two_rooms_and_by_direct_message_each_see_exactly_their_lines_once_and_in_order()
    {
        await using ServerProcess server = await ServerProcess.StartAsync();
        await using ChatProcess alice = await ChatProcess.StartAsync(server, "alice");
        await using ChatProcess bob = await ChatProcess.StartAsync(server, "bob");
        await using ChatProcess carol = await ChatProcess.StartAsync(server, "carol");
        // #b first, so that #a, joined last, is everyone's current room.
        await alice.JoinAsync("#b");
        await bob.JoinAsync("#b");
        foreach (ChatProcess who in new[] { alice, bob, carol })
        {
            await who.JoinAsync("#a");
        }

        // All three type at once, so the server sees their lines interleaved. At the default flood
        // control (5 at once, then 2 a second) most of these lines are refused once and resent by the
        // client when the server says: the expectations below hold all the same, only later.
        await Task.WhenAll(
            TypeAllAsync(alice, [.. Said("a", "alice", RoomLines), "/frob not a command", "/join #b", .. Said("b", "alice", SideRoomLines), .. Whispered("carol", "alice")]),
            TypeAllAsync(bob, [.. Said("a", "bob", RoomLines), "/join #b", .. Said("b", "bob", SideRoomLines)]),
            TypeAllAsync(carol, [.. Said("a", "carol", RoomLines), .. Whispered("bob", "carol")]));

        var expected = new Dictionary<ChatProcess, List<string>>
        {
            [alice] = [.. InRoom("#a", "alice", "bob", "carol"), .. InRoom("#b", "alice", "bob"), .. Sent("alice", "carol")],
            [bob] = [.. InRoom("#a", "alice", "bob", "carol"), .. InRoom("#b", "alice", "bob"), .. Received("carol")],
            [carol] = [.. InRoom("#a", "alice", "bob", "carol"), .. Sent("carol", "bob"), .. Received("alice")],
        };
        foreach ((ChatProcess who, List<string> lines) in expected)
        {
            await Poll.UntilAsync(() => ChatLines(who).Count >= lines.Count, $"{who.Nick} has received {lines.Count} chat lines");
        }

        // A last line everyone waits for: whatever else was on its way has arrived by now.
        await carol.TypeAsync("end");
        foreach (ChatProcess who in expected.Keys)
        {
            await who.WaitForLineAsync(l => l == "[#a] <carol> end", reason: "with carol's last line");
        }

        foreach ((ChatProcess who, List<string> lines) in expected)
        {
            List<string> got = [.. ChatLines(who).Where(l => l != "[#a] <carol> end")];
            Assert.True(got.Count == got.Distinct().Count(), who.Process.Explain($"{who.Nick} received a line twice"));
            Assert.True(lines.ToHashSet().SetEquals(got), who.Process.Explain($"{who.Nick} did not receive exactly its lines"));
            foreach (IGrouping<string, string> stream in got.GroupBy(Stream))
            {
                Assert.Equal(stream.OrderBy(Index), stream);
            }

            Assert.DoesNotContain(who.Lines, l => l.StartsWith('[') && l.Contains("frob", StringComparison.Ordinal));
        }

        Assert.Contains("! error: unknown command /frob (try /help)", alice.Lines);

        // The room is sequenced by the server: everyone in it sees the same order.
        Assert.Equal(ChatLines(alice).Where(l => l.StartsWith("[#a]", StringComparison.Ordinal)), ChatLines(bob).Where(l => l.StartsWith("[#a]", StringComparison.Ordinal)));
        Assert.Equal(ChatLines(alice).Where(l => l.StartsWith("[#a]", StringComparison.Ordinal)), ChatLines(carol).Where(l => l.StartsWith("[#a]", StringComparison.Ordinal)));
        Assert.Equal(0, await alice.QuitAsync());
        Assert.Equal(0, await bob.QuitAsync());
        Assert.Equal(0, await carol.QuitAsync("bye"));
        Assert.Empty(server.LoggedErrors);
    }

    [Fact]
    public async Task Sigterm_quits_like_quit_and_end_of_input_too()
    {
        await using ServerProcess server = await ServerProcess.StartAsync();
        await using ChatProcess alice = await ChatProcess.StartAsync(server, "alice");
        await using ChatProcess bob = await ChatProcess.StartAsync(server, "bob");
        await using ChatProcess carol = await ChatProcess.StartAsync(server, "carol");
        foreach (ChatProcess who in new[] { alice, bob, carol })
        {
            await who.JoinAsync("#a");
        }

        await bob.Process.TerminateAsync();
        Assert.Equal(0, await bob.Process.WaitForExitAsync());
        await alice.WaitForLineAsync(l => l == "[#a] <-- bob quit (left)", reason: "saying bob left");

        carol.Process.CloseInput();
        Assert.Equal(0, await carol.Process.WaitForExitAsync());
        await alice.WaitForLineAsync(l => l == "[#a] <-- carol quit (left)", reason: "saying carol left");
        Assert.Equal(0, await alice.QuitAsync());
    }

    [Fact]
    public async Task A_nickname_the_server_refuses_ends_the_client_with_exit_code_1()
    {
        await using ServerProcess server = await ServerProcess.StartAsync();

        await using ParleyProcess chat = ParleyProcess.Start(["chat", server.Address, "--plain", "--name", "9lives", .. server.ClientArgs]);

        Assert.Equal(1, await chat.WaitForExitAsync());
        Assert.StartsWith("-- disconnected: INVALID_NAME (", chat.Lines[^1], StringComparison.Ordinal);
    }

    private static async Task TypeAllAsync(ChatProcess who, IEnumerable<string> lines)
    {
        foreach (string line in lines)
        {
            await who.TypeAsync(line);
        }
    }

    private static IEnumerable<string> Said(string room, string nick, int count) =>
        Enumerable.Range(1, count).Select(i => $"{room}-{nick}-{i}");

    private static IEnumerable<string> Whispered(string to, string from) =>
        Enumerable.Range(1, DirectLines).Select(i => $"/msg {to} dm-{from}-{i}");

    private static IEnumerable<string> InRoom(string room, params string[] senders) =>
        senders.SelectMany(nick => Said(room[1..], nick, room == "#a" ? RoomLines : SideRoomLines).Select(text => $"[{room}] <{nick}> {text}"));

    private static IEnumerable<string> Sent(string from, string to) =>
        Enumerable.Range(1, DirectLines).Select(i => $"[dm] -> {to}: dm-{from}-{i}");

    private static IEnumerable<string> Received(string from) =>
        Enumerable.Range(1, DirectLines).Select(i => $"[dm] <{from}> dm-{from}-{i}");

    /// <summary>The lines that carry chat text: room messages and direct messages.</summary>
    private static List<string> ChatLines(ChatProcess who) => [.. who.Lines.Where(l => ChatLine().IsMatch(l))];

    /// <summary>Which sender's stream (room or DM, and sender) a chat line belongs to.</summary>
    private static string Stream(string line) => ChatLine().Match(line) is var m ? $"{m.Groups["where"].Value} {m.Groups["stream"].Value}" : line;

    private static int Index(string line) => int.Parse(ChatLine().Match(line).Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\[(?<where>#a|#b|dm)\] (<\w+>|-> \w+:) (?<stream>(a|b|dm)-\w+)-(?<index>\d+)$")]
    private static partial Regex ChatLine();
}
