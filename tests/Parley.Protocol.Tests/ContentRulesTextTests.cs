namespace Parley.Protocol.Tests;

/// <summary>Message text is neutralised so that nothing in it can drive a terminal.</summary>
public class ContentRulesTextTests
{
    [Theory]
    [InlineData("")]
    [InlineData("hello, world")]
    [InlineData("line one\nline two")]
    [InlineData("col\tcol")]
    [InlineData("zoë says 日本語 😀")]
    [InlineData("a\u200Bb")] // zero-width space is not a control: text may contain it
    public void Text_that_needs_nothing_is_returned_as_the_same_instance(string text)
    {
        Assert.Same(text, ContentRules.NeutralizeText(text));
    }

    [Fact]
    public void Escape_sequence_to_clear_the_screen_shows_as_a_visible_escape()
    {
        Assert.Equal("\u241B[2J\u241B[H", ContentRules.NeutralizeText("\u001B[2J\u001B[H"));
        Assert.Equal("␛[2Jboo", ContentRules.NeutralizeText("\u001B[2Jboo"));
    }

    [Fact]
    public void Osc_title_sequence_ending_in_bel_is_made_visible()
    {
        Assert.Equal("␛]0;pwned␇after", ContentRules.NeutralizeText("\u001B]0;pwned\u0007after"));
    }

    [Fact]
    public void C1_controls_are_replaced()
    {
        // U+009B is CSI: a one-character ESC [ on terminals that honour C1 controls.
        Assert.Equal("a\uFFFD2Jb\uFFFDc", ContentRules.NeutralizeText("a\u009B2Jb\u0085c"));
        Assert.Equal("\uFFFD\uFFFD", ContentRules.NeutralizeText("\u0080\u009F"));
    }

    [Fact]
    public void Del_shows_as_its_control_picture()
    {
        Assert.Equal("a\u2421b", ContentRules.NeutralizeText("a\u007Fb"));
    }

    [Fact]
    public void Every_c0_control_but_tab_and_line_feed_shows_as_its_control_picture()
    {
        for (char c = '\0'; c < ' '; c++)
        {
            string expected = c is '\t' or '\n' ? c.ToString() : ((char)(0x2400 + c)).ToString();

            Assert.Equal(expected, ContentRules.NeutralizeText(c.ToString()));
        }
    }

    [Fact]
    public void Cr_lf_becomes_lf_and_a_lone_cr_is_made_visible()
    {
        Assert.Equal("one\ntwo\nthree", ContentRules.NeutralizeText("one\r\ntwo\r\nthree"));
        Assert.Equal("over\u240Dwrite", ContentRules.NeutralizeText("over\rwrite"));
        Assert.Equal("a\u240D\nb", ContentRules.NeutralizeText("a\r\r\nb"));
        Assert.Equal("end\u240D", ContentRules.NeutralizeText("end\r"));
    }

    [Theory]
    [InlineData("\u202E")] // RIGHT-TO-LEFT OVERRIDE
    [InlineData("\u202A")]
    [InlineData("\u200E")] // LEFT-TO-RIGHT MARK
    [InlineData("\u200F")]
    [InlineData("\u061C")] // ARABIC LETTER MARK
    [InlineData("\u2066")] // LEFT-TO-RIGHT ISOLATE
    [InlineData("\u2069")] // POP DIRECTIONAL ISOLATE
    public void Bidirectional_controls_are_replaced(string bidi)
    {
        Assert.Equal("file\uFFFDtxt.exe", ContentRules.NeutralizeText("file" + bidi + "txt.exe"));
    }

    [Fact]
    public void Lone_surrogates_are_replaced_and_pairs_kept()
    {
        Assert.Equal("a\uFFFDb", ContentRules.NeutralizeText("a\uD800b"));
        Assert.Equal("a\uFFFDb", ContentRules.NeutralizeText("a\uDC00b"));
        Assert.Equal("end\uFFFD", ContentRules.NeutralizeText("end\uD83D"));
        Assert.Equal("\uFFFDstart", ContentRules.NeutralizeText("\uDE00start"));
        Assert.Equal("\uFFFD\uFFFD", ContentRules.NeutralizeText("\uDE00\uD83D"));
        Assert.Equal("😀\u241B", ContentRules.NeutralizeText("😀\u001B"));
    }

    [Fact]
    public void Neutralised_text_is_left_unchanged_by_a_second_pass()
    {
        string once = ContentRules.NeutralizeText("\u001B[31mred\r\n\u009B\u202E\uD800");

        Assert.Same(once, ContentRules.NeutralizeText(once));
    }
}
