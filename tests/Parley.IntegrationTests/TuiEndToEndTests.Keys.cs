namespace Parley.IntegrationTests;

// Keys that reach the client in one read with an Alt key (Terminal.Gui 2.5.0 swallowed them; see SwallowedKeys).
public sealed partial class TuiEndToEndTests
{
    [Fact]
    public async Task Keys_typed_in_the_same_write_as_alt_2_are_not_lost()
    {
        await using Parley.TestUtilities.ServerProcess server = await Parley.TestUtilities.ServerProcess.StartAsync();
        await using var terminal = new TmuxTerminal();
        string alice = await StartInRoomAsync(terminal, server, "alice", "#a");
        await JoinAsync(terminal, alice, "#b");

        // One send-keys: tmux writes ESC 2 h i to the client at once, as a fast typist or a slow link does.
        await terminal.PressAsync(alice, "M-2", "h", "i");

        await terminal.WaitForScreenAsync(
            alice,
            s => Row(s, 0).StartsWith(" #a", StringComparison.Ordinal) && Row(s, InputRow).TrimEnd() == "[#a] hi",
            "showing #a with 'hi' typed");
    }
}
