using Parley.Tui.Input;

namespace Parley.Tui.Tests;

public sealed class SwallowedKeysTests
{
    [Fact]
    public void An_alt_digit_and_the_text_typed_after_it_come_back_as_keys_in_order()
    {
        IReadOnlyList<KeyStroke>? keys = SwallowedKeys.Recover("\u001b2hé🎉\r");

        Assert.Equal([KeyStroke.Alt('2'), KeyStroke.Char("h"), KeyStroke.Char("é"), KeyStroke.Char("🎉"), KeyStroke.Of(KeyName.Enter)], keys);
    }

    [Fact]
    public void Control_characters_after_the_alt_key_are_the_keys_a_raw_terminal_means()
    {
        Assert.Equal(
            [KeyStroke.Alt('a'), KeyStroke.Of(KeyName.Backspace), KeyStroke.Of(KeyName.Tab), KeyStroke.Ctrl('u'), KeyStroke.Of(KeyName.Backspace)],
            SwallowedKeys.Recover("\u001ba\u007f\t\u0015\b"));
        Assert.Equal([KeyStroke.Of(KeyName.Enter, KeyMods.Alt), KeyStroke.Char("x")], SwallowedKeys.Recover("\u001b\rx"));
    }

    [Theory]
    [InlineData("\u001b[?62;4c")]
    [InlineData("\u001b]11;rgb:0000/0000/0000")]
    [InlineData("\u001bP1$r0m")]
    [InlineData("\u001bOxyz")]
    [InlineData("\u001bAbc")]
    [InlineData("2xyz")]
    [InlineData("\u001b")]
    public void Terminal_replies_and_anything_but_an_alt_key_stay_swallowed(string sequence)
    {
        Assert.Null(SwallowedKeys.Recover(sequence));
    }
}
