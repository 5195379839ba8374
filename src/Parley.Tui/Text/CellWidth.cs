using System.Globalization;
using System.Text;
using Wcwidth;

namespace Parley.Tui.Text;

/// <summary>
/// How many terminal columns text takes, per grapheme cluster (a user-perceived character: a base with its
/// combining marks, an emoji ZWJ sequence). CJK ideographs and most emoji take two columns; combining marks and
/// format characters none. The table is Wcwidth's, the one Terminal.Gui uses, so our layout and its drawing agree.
/// </summary>
public static class CellWidth
{
    /// <summary>The columns one grapheme cluster takes: 0, 1 or 2.</summary>
    public static int OfGrapheme(ReadOnlySpan<char> grapheme)
    {
        int width = 0;
        bool first = true;
        foreach (Rune rune in grapheme.EnumerateRunes())
        {
            int w = UnicodeCalculator.GetWidth(rune);
            if (first)
            {
                width = Math.Max(0, w);
                first = false;
            }
            else if (rune.Value == 0xFE0F && width == 1 && IsEmojiBase(grapheme))
            {
                // VS16 asks for the emoji presentation, which terminals draw two columns wide.
                width = 2;
            }
            else if (width == 0 && w > 0)
            {
                width = w;
            }
        }

        return Math.Min(width, 2);
    }

    /// <summary>The columns a whole string takes.</summary>
    public static int Of(string text)
    {
        int width = 0;
        foreach (string g in Graphemes(text))
        {
            width += OfGrapheme(g);
        }

        return width;
    }

    /// <summary>The grapheme clusters of <paramref name="text"/>, in order.</summary>
    public static IEnumerable<string> Graphemes(string text)
    {
        TextElementEnumerator e = StringInfo.GetTextElementEnumerator(text);
        while (e.MoveNext())
        {
            yield return e.GetTextElement();
        }
    }

    /// <summary>The longest prefix of <paramref name="text"/> that fits in <paramref name="columns"/>, with an ellipsis if cut.</summary>
    public static string Fit(string text, int columns)
    {
        if (columns <= 0)
        {
            return string.Empty;
        }

        if (Of(text) <= columns)
        {
            return text;
        }

        var sb = new StringBuilder();
        int used = 0;
        foreach (string g in Graphemes(text))
        {
            int w = OfGrapheme(g);
            if (used + w > columns - 1)
            {
                break;
            }

            sb.Append(g);
            used += w;
        }

        return sb.Append('…').ToString();
    }

    private static bool IsEmojiBase(ReadOnlySpan<char> grapheme)
    {
        Rune.DecodeFromUtf16(grapheme, out Rune first, out _);
        return first.Value >= 0x2000;
    }
}
