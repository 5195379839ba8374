using Parley.Protocol;

namespace Parley.Tui.Model;

/// <summary>Comparing nicknames and room names as the server does (by key: NFKC, lower case).</summary>
public static class Names
{
    public static string Key(string name)
    {
        if (name.Length == 0)
        {
            return string.Empty;
        }

        try
        {
            return ContentRules.Key(name);
        }
        catch (ArgumentException)
        {
            // Not normalisable (a lone surrogate): such a name never passed the server's checks anyway.
            return name.ToLowerInvariant();
        }
    }

    public static bool Same(string? a, string? b) =>
        !string.IsNullOrEmpty(a) && !string.IsNullOrEmpty(b) && Key(a) == Key(b);

    /// <summary>
    /// Whether <paramref name="text"/> mentions <paramref name="nick"/> as a word: case-insensitively, not inside a
    /// longer word (<c>alice</c> in <c>alice: hi</c> and <c>hi @Alice!</c>, not in <c>malice</c> or <c>alice2</c>).
    /// </summary>
    public static bool Mentions(string text, string nick) => MentionRanges(text, nick).Any();

    /// <summary>Where <paramref name="nick"/> occurs as a word in <paramref name="text"/>.</summary>
    public static IEnumerable<(int Start, int Length)> MentionRanges(string text, string nick)
    {
        if (nick.Length == 0)
        {
            yield break;
        }

        int from = 0;
        while (from <= text.Length - nick.Length)
        {
            int i = text.IndexOf(nick, from, StringComparison.OrdinalIgnoreCase);
            if (i < 0)
            {
                yield break;
            }

            int end = i + nick.Length;
            if ((i == 0 || !IsWordChar(text[i - 1])) && (end == text.Length || !IsWordChar(text[end])))
            {
                yield return (i, nick.Length);
            }

            from = i + 1;
        }
    }

    /// <summary>Characters that continue a nickname (the protocol's name characters, less '.', which ends sentences).</summary>
    private static bool IsWordChar(char c) =>
        char.IsLetterOrDigit(c) || c is '_' or '-' or '[' or ']' or '{' or '}' or '\\' or '|' or '^' or '`' || char.IsSurrogate(c);
}
