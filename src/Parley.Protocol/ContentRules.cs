using System.Globalization;
using System.Text;

namespace Parley.Protocol;

/// <summary>
/// Rules for nicknames, room names and message text (docs/PROTOCOL.md, "Content rules").
/// Names are refused when they contain anything that could mislead a reader; text is neutralised
/// so that nothing in it can drive a terminal.
/// </summary>
public static partial class ContentRules
{
    /// <summary>
    /// Checks a nickname. On success <paramref name="display"/> is the NFC form to show and
    /// <paramref name="key"/> the case-insensitive identity (NFKC, then lower-cased) used for uniqueness,
    /// so "Alice", "ALICE" and "Ａｌｉｃｅ" (full-width) are the same nickname.
    /// </summary>
    /// <remarks>
    /// Where Unicode normalisation is not available (<see cref="UnicodeNamesSupported"/> is false)
    /// only ASCII names are accepted, since two spellings of one non-ASCII name could not be told apart.
    /// </remarks>
    public static bool TryValidateNick(string? nick, out string display, out string key, out string error) =>
        TryValidateNick(nick, UnicodeNamesSupported, out display, out key, out error);

    internal static bool TryValidateNick(string? nick, bool canNormalize, out string display, out string key, out string error)
    {
        display = key = string.Empty;
        if (!TryNormalize(nick, canNormalize, out display, out error))
        {
            return false;
        }

        if (display.Length is 0 || display.Length > ProtocolConstants.MaxNickLength)
        {
            error = $"a nickname is 1 to {ProtocolConstants.MaxNickLength} characters";
            return false;
        }

        if (!IsNameStart(display, 0))
        {
            error = "a nickname starts with a letter or one of _ [ ] { } \\ | ^";
            return false;
        }

        if (!AllNameChars(display, allowHash: false, out error))
        {
            return false;
        }

        key = Key(display);
        return true;
    }

    /// <summary>
    /// Checks a room name: '#' then 1 or more of the characters a nickname may contain (letters,
    /// digits, marks and <c>_ - . [ ] { } \ | ^ `</c>), in any order. Normalised and keyed as nicknames are.
    /// </summary>
    public static bool TryValidateRoom(string? room, out string display, out string key, out string error) =>
        TryValidateRoom(room, UnicodeNamesSupported, out display, out key, out error);

    internal static bool TryValidateRoom(string? room, bool canNormalize, out string display, out string key, out string error)
    {
        display = key = string.Empty;
        if (!TryNormalize(room, canNormalize, out display, out error))
        {
            return false;
        }

        if (display.Length < 2 || display.Length > ProtocolConstants.MaxRoomNameLength || display[0] != '#')
        {
            error = $"a room name is '#' followed by 1 to {ProtocolConstants.MaxRoomNameLength - 1} characters";
            return false;
        }

        if (!AllNameChars(display.AsSpan(1).ToString(), allowHash: false, out error))
        {
            return false;
        }

        key = Key(display);
        return true;
    }

    /// <summary>The case- and compatibility-insensitive identity of a valid name.</summary>
    public static string Key(string name) => name.Normalize(NormalizationForm.FormKC).ToLowerInvariant();

    /// <summary>
    /// Makes text safe to show in a terminal: C0 and C1 control characters (ESC among them), DEL,
    /// bidirectional overrides and isolates, and lone surrogates are replaced by visible stand-ins;
    /// line feed and tab are kept; CR LF becomes LF. Returns the input itself when nothing changes.
    /// </summary>
    public static string NeutralizeText(string text)
    {
        int i = 0;
        while (i < text.Length && !NeedsNeutralizing(text, i))
        {
            i++;
        }

        if (i == text.Length)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 8);
        sb.Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                continue;
            }

            if (!NeedsNeutralizing(text, i))
            {
                sb.Append(c);
            }
            else if (c < 0x20)
            {
                // U+2400..U+241F: the Unicode "control pictures", e.g. ESC shows as ␛.
                sb.Append((char)(0x2400 + c));
            }
            else if (c == 0x7F)
            {
                sb.Append('\u2421');
            }
            else
            {
                sb.Append('\uFFFD');
            }
        }

        return sb.ToString();
    }

    private static bool NeedsNeutralizing(string text, int i)
    {
        char c = text[i];
        if (c == '\n' || c == '\t')
        {
            return false;
        }

        if (char.IsHighSurrogate(c))
        {
            return i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]);
        }

        if (char.IsLowSurrogate(c))
        {
            return i == 0 || !char.IsHighSurrogate(text[i - 1]);
        }

        return c < 0x20 || (c >= 0x7F && c <= 0x9F) || IsBidiControl(c);
    }

    private static bool IsBidiControl(char c) =>
        c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    private static bool IsNameStart(string s, int i)
    {
        UnicodeCategory cat = CharUnicodeInfo.GetUnicodeCategory(s, i);
        return IsLetter(cat) || s[i] is '_' or '[' or ']' or '{' or '}' or '\\' or '|' or '^';
    }

    private static bool AllNameChars(string s, bool allowHash, out string error)
    {
        error = string.Empty;
        for (int i = 0; i < s.Length; i += char.IsSurrogatePair(s, i) ? 2 : 1)
        {
            if (char.IsSurrogate(s[i]) && !char.IsSurrogatePair(s, i))
            {
                error = "the name is not valid Unicode";
                return false;
            }

            UnicodeCategory cat = CharUnicodeInfo.GetUnicodeCategory(s, i);
            bool ok = !IsDefaultIgnorable(char.ConvertToUtf32(s, i)) && (IsLetter(cat)
                || cat is UnicodeCategory.DecimalDigitNumber or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark
                || s[i] is '_' or '-' or '.' or '[' or ']' or '{' or '}' or '\\' or '|' or '^' or '`'
                || (allowHash && s[i] == '#'));
            if (!ok)
            {
                // Controls, format characters (zero-width joiners, bidi overrides), invisible letters and marks
                // (Hangul fillers, variation selectors), spaces, symbols and punctuation beyond the list.
                error = $"the character U+{char.ConvertToUtf32(s, i):X4} is not allowed in names";
                return false;
            }
        }

        return true;
    }

    private static bool IsLetter(UnicodeCategory cat) => cat is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter
        or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter;
}
