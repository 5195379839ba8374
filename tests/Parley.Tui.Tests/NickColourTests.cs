using Parley.Tui.Text;

namespace Parley.Tui.Tests;

public sealed class NickColourTests
{
    [Theory]
    [InlineData("", 0x811c9dc5u)]
    [InlineData("a", 0xe40c292cu)]
    [InlineData("foobar", 0xbf9cf968u)]
    public void Fnv1a_matches_the_published_test_vectors(string text, uint expected) =>
        Assert.Equal(expected, NickColors.Fnv1a(text));

    [Fact]
    public void A_nickname_always_gets_the_same_colour_whatever_its_case()
    {
        Assert.Equal(NickColors.IndexOf("alice"), NickColors.IndexOf("ALICE"));
        // Pinned: a change here changes everyone's colours, which users notice.
        Assert.Equal((int)(NickColors.Fnv1a("alice") % NickColors.Count), NickColors.IndexOf("Alice"));
    }

    [Fact]
    public void Nicknames_spread_over_the_palette()
    {
        var used = Enumerable.Range(0, 200).Select(i => NickColors.IndexOf($"user{i}")).ToHashSet();
        Assert.Equal(NickColors.Count, used.Count);
    }
}
