namespace Parley.Protocol.Tests;

/// <summary>Nicknames and room names: what is accepted, how it is normalised, and which names are the same.</summary>
public class ContentRulesNameTests
{
    [Theory]
    [InlineData("alice")]
    [InlineData("Alice_2")]
    [InlineData("_under")]
    [InlineData("[away]")]
    [InlineData("{x}|^\\")]
    [InlineData("a-b.c`d")]
    [InlineData("zoë")]
    [InlineData("Σίσυφος")]
    [InlineData("日本語")]
    [InlineData("x\U0001D400")]  // MATHEMATICAL BOLD CAPITAL A, a letter outside the BMP
    public void Valid_nickname_is_accepted(string nick)
    {
        Assert.True(ContentRules.TryValidateNick(nick, out string display, out string key, out string error), error);
        Assert.Equal(nick, display);
        Assert.NotEmpty(key);
        Assert.Empty(error);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("1abc")]         // starts with a digit
    [InlineData("-abc")]         // starts with '-'
    [InlineData(".abc")]
    [InlineData("`abc")]
    [InlineData("a b")]          // space
    [InlineData("a\tb")]
    [InlineData("a\u0007b")]     // BEL, a C0 control
    [InlineData("a\u0085b")]     // NEL, a C1 control
    [InlineData("a\u007Fb")]     // DEL
    [InlineData("bob\u202Egnp.exe")] // RIGHT-TO-LEFT OVERRIDE
    [InlineData("a\u2066b")]     // LEFT-TO-RIGHT ISOLATE
    [InlineData("a\u200Bb")]     // ZERO WIDTH SPACE
    [InlineData("a\u200Db")]     // ZERO WIDTH JOINER
    [InlineData("a\uFEFFb")]     // BYTE ORDER MARK
    [InlineData("a\u00A0b")]     // NO-BREAK SPACE
    [InlineData("a#b")]
    [InlineData("a@b")]
    [InlineData("a:b")]
    [InlineData("a!b")]
    [InlineData("a😀")]          // a symbol, not a letter
    [InlineData("\u0301abc")]    // starts with a combining mark
    [InlineData("\u3164")]       // HANGUL FILLER: a letter that shows as nothing
    [InlineData("a\u115Fb")]     // HANGUL CHOSEONG FILLER
    [InlineData("alice\uFE0F")]  // VARIATION SELECTOR-16, a mark that shows as nothing
    [InlineData("ali\u034Fce")]  // COMBINING GRAPHEME JOINER
    [InlineData("alice\U000E0100")] // VARIATION SELECTOR-17, outside the BMP
    public void Invalid_nickname_is_refused_with_a_reason(string? nick)
    {
        Assert.False(ContentRules.TryValidateNick(nick, out string display, out string key, out string error));
        Assert.NotEmpty(error);
        Assert.Empty(key);
        _ = display;
    }

    [Fact]
    public void Nickname_of_the_maximum_length_is_accepted_and_one_more_is_refused()
    {
        Assert.True(ContentRules.TryValidateNick(new string('a', ProtocolConstants.MaxNickLength), out _, out _, out _));
        Assert.False(ContentRules.TryValidateNick(new string('a', ProtocolConstants.MaxNickLength + 1), out _, out _, out string error));
        Assert.Contains("32", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Nickname_length_is_counted_after_normalisation()
    {
        // 32 "e" + COMBINING ACUTE pairs are 64 code units, but 32 once composed to "é".
        string decomposed = string.Concat(Enumerable.Repeat("e\u0301", ProtocolConstants.MaxNickLength));

        Assert.True(ContentRules.TryValidateNick(decomposed, out string display, out _, out _));
        Assert.Equal(new string('\u00E9', ProtocolConstants.MaxNickLength), display);
    }

    [Fact]
    public void Nickname_with_a_lone_surrogate_is_refused_without_throwing()
    {
        // A loop, not [InlineData]: xunit's test-case serialisation turns lone surrogates into U+FFFD.
        string[] names = ["a\uD800b", "ab\uDC00", "\uDBFF", "a\uDC00\uD800", "\uD83D\uD83Dx"];
        foreach (string nick in names)
        {
            Assert.False(ContentRules.TryValidateNick(nick, out _, out _, out string error));
            Assert.Equal("the name is not valid Unicode", error);
            Assert.False(ContentRules.TryValidateRoom("#" + nick, out _, out _, out error));
            Assert.Equal("the name is not valid Unicode", error);
        }
    }

    [Fact]
    public void Nickname_is_shown_in_nfc()
    {
        Assert.True(ContentRules.TryValidateNick("Zoe\u0308", out string display, out _, out _));

        Assert.Equal("Zo\u00EB", display);
    }

    [Theory]
    [InlineData("Alice", "alice")]
    [InlineData("ALICE", "alice")]
    [InlineData("Ａｌｉｃｅ", "alice")]        // full-width
    [InlineData("zoe\u0308", "zo\u00EB")]      // decomposed vs precomposed
    [InlineData("ZOË", "zoë")]
    [InlineData("ΣΊΣΥΦΟΣ", "σίσυφοσ")]
    [InlineData("ﬁsh", "fish")]                // U+FB01 LATIN SMALL LIGATURE FI
    public void Names_that_read_the_same_have_the_same_key(string a, string b)
    {
        Assert.True(ContentRules.TryValidateNick(a, out _, out string keyA, out string error), error);
        Assert.True(ContentRules.TryValidateNick(b, out _, out string keyB, out error), error);

        Assert.Equal(keyA, keyB);
        Assert.Equal(ContentRules.Key(a), keyA);
    }

    [Fact]
    public void Different_names_have_different_keys()
    {
        Assert.NotEqual(ContentRules.Key("alice"), ContentRules.Key("alicia"));
        Assert.NotEqual(ContentRules.Key("zoe"), ContentRules.Key("zoë"));
    }

    [Theory]
    [InlineData("#general")]
    [InlineData("#2026")]
    [InlineData("#a")]
    [InlineData("#dot-net_v1.0")]
    [InlineData("#général")]
    [InlineData("#[meta]")]
    public void Valid_room_name_is_accepted(string room)
    {
        Assert.True(ContentRules.TryValidateRoom(room, out string display, out string key, out string error), error);
        Assert.Equal(room, display);
        Assert.StartsWith("#", key, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("#")]
    [InlineData("general")]      // no '#'
    [InlineData("##general")]
    [InlineData("#a b")]
    [InlineData("#a\u202Eb")]
    [InlineData("#a\u200Bb")]
    [InlineData("#a\u001Bb")]
    [InlineData("#a,b")]
    public void Invalid_room_name_is_refused_with_a_reason(string? room)
    {
        Assert.False(ContentRules.TryValidateRoom(room, out _, out string key, out string error));
        Assert.NotEmpty(error);
        Assert.Empty(key);
    }

    [Fact]
    public void Room_name_of_the_maximum_length_is_accepted_and_one_more_is_refused()
    {
        string longest = "#" + new string('r', ProtocolConstants.MaxRoomNameLength - 1);

        Assert.True(ContentRules.TryValidateRoom(longest, out _, out _, out _));
        Assert.False(ContentRules.TryValidateRoom(longest + "r", out _, out _, out _));
    }

    [Fact]
    public void Room_names_differing_in_case_or_width_have_the_same_key()
    {
        Assert.True(ContentRules.TryValidateRoom("#General", out _, out string a, out _));
        Assert.True(ContentRules.TryValidateRoom("#ＧＥＮＥＲＡＬ", out _, out string b, out _));

        Assert.Equal("#general", a);
        Assert.Equal(a, b);
    }

    [Fact]
    public void This_test_process_can_normalise_unicode()
    {
        // The tests above rely on ICU (InvariantGlobalization is off in this project).
        Assert.True(ContentRules.UnicodeNamesSupported);
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("#general")]
    public void Without_normalisation_ascii_names_are_still_accepted(string name)
    {
        bool ok = name.StartsWith('#')
            ? ContentRules.TryValidateRoom(name, canNormalize: false, out string display, out string key, out string error)
            : ContentRules.TryValidateNick(name, canNormalize: false, out display, out key, out error);

        Assert.True(ok, error);
        Assert.Equal(name, display);
        Assert.Equal(name, key);
    }

    [Theory]
    [InlineData("zoë")]
    [InlineData("Ａｌｉｃｅ")]
    public void Without_normalisation_non_ascii_names_are_refused_rather_than_left_ambiguous(string nick)
    {
        Assert.False(ContentRules.TryValidateNick(nick, canNormalize: false, out _, out _, out string error));
        Assert.Contains("ASCII", error, StringComparison.Ordinal);
        Assert.False(ContentRules.TryValidateRoom("#" + nick, canNormalize: false, out _, out _, out _));
    }

    [Theory]
    [InlineData("alice", "\u0430lice")]     // Cyrillic а
    [InlineData("Alice", "AIice")]           // capital I for l
    [InlineData("paypal", "\u0440\u0430ypal")] // Cyrillic р and а
    [InlineData("mallory", "rnallory")]      // r n for m
    [InlineData("bob", "b0b")]               // zero for o
    [InlineData("alice", "\uFF41lice")]      // full-width a (NFKC)
    [InlineData("#general", "#g\u0435neral")] // a room, Cyrillic е
    [InlineData("zoë", "zoe\u0308")]         // two spellings of one name
    public void Lookalike_names_have_the_same_skeleton(string name, string lookalike)
    {
        Assert.Equal(ContentRules.Skeleton(name), ContentRules.Skeleton(lookalike));
    }

    [Theory]
    [InlineData("alice", "bob")]
    [InlineData("alice", "alice2")]
    [InlineData("ann", "anna")]
    [InlineData("#general", "#generals")]
    public void Different_names_have_different_skeletons(string name, string other)
    {
        Assert.NotEqual(ContentRules.Skeleton(name), ContentRules.Skeleton(other));
    }

    [Fact]
    public void A_capital_lookalike_matches_both_spellings_of_the_name()
    {
        Assert.Equal(ContentRules.Skeleton("alice"), ContentRules.Skeleton("\u0410lice")); // Cyrillic А
        Assert.Equal(ContentRules.Skeleton("Alice"), ContentRules.Skeleton("\u0410lice"));
    }
}
