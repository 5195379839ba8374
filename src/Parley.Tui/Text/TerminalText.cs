using System.Text;
using Parley.Protocol;

namespace Parley.Tui.Text;

/// <summary>
/// The one gate between network strings and the terminal. Everything a server or another user sent (nicknames,
/// room names, topics, messages, quit reasons, error messages) passes through <see cref="Line"/> or
/// <see cref="Lines"/> before the screen sees it, so no escape sequence from outside can move the cursor, clear the
/// screen, set the title or ring the bell (issue 3, "Safety").
/// </summary>
/// <remarks>
/// Built on <see cref="ContentRules.NeutralizeText"/>, which turns C0/C1 controls (ESC, BEL, CSI ...), DEL, bidi
/// overrides and lone surrogates into visible stand-ins (ESC shows as ␛) and keeps line feed and tab. Here the two
/// survivors are made terminal-neutral too: a tab becomes spaces, a line feed ends a line (or, where a single
/// line is wanted, shows as ␤). Format characters that draw nothing (zero-width space, joiners outside emoji)
/// take no cell; see <see cref="CellWidth"/>.
/// </remarks>
public static class TerminalText
{
    /// <summary>A tab shows as this many spaces: tab stops would depend on where the text starts.</summary>
    public const int TabWidth = 4;

    /// <summary>One line: line feeds show as ␤ (for names, topics, status texts).</summary>
    public static string Line(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        string safe = ContentRules.NeutralizeText(text);
        return safe.AsSpan().IndexOfAny('\n', '\t') < 0 ? safe : safe.Replace("\n", "\u2424", StringComparison.Ordinal).Replace("\t", Spaces, StringComparison.Ordinal);
    }

    /// <summary>The lines of a message, each safe to draw.</summary>
    public static IReadOnlyList<string> Lines(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [string.Empty];
        }

        string safe = ContentRules.NeutralizeText(text);
        if (safe.Contains('\t', StringComparison.Ordinal))
        {
            safe = safe.Replace("\t", Spaces, StringComparison.Ordinal);
        }

        return safe.Split('\n');
    }

    /// <summary>True when <paramref name="text"/> holds nothing a terminal would act on (for tests and assertions).</summary>
    public static bool IsInert(string text)
    {
        foreach (Rune r in text.EnumerateRunes())
        {
            if (r.Value < 0x20 || (r.Value >= 0x7F && r.Value <= 0x9F))
            {
                return false;
            }
        }

        return true;
    }

    private static readonly string Spaces = new(' ', TabWidth);
}
