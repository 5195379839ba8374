using System.Text;

namespace Parley.Protocol;

// Unicode normalisation of names, and what happens where the process cannot normalise.
public static partial class ContentRules
{
    /// <summary>
    /// Whether this process can normalise Unicode (it needs ICU; see the remarks on
    /// <see cref="TryValidateNick(string?, out string, out string, out string)"/>). When false, only
    /// ASCII nicknames and room names are accepted. A host should warn at start-up if it is false.
    /// </summary>
    public static bool UnicodeNamesSupported { get; } = ProbeNormalization();

    private static bool TryNormalize(string? value, bool canNormalize, out string normalized, out string error)
    {
        normalized = string.Empty;
        error = string.Empty;
        if (string.IsNullOrEmpty(value))
        {
            error = "the name is empty";
            return false;
        }

        // Before any normalisation call: IsNormalized and Normalize throw ArgumentException on a lone surrogate.
        if (!IsWellFormedUtf16(value))
        {
            error = "the name is not valid Unicode";
            return false;
        }

        // ASCII is already in every normal form, so ASCII names need no normaliser at all.
        if (Ascii.IsValid(value))
        {
            normalized = value;
            return true;
        }

        if (!canNormalize)
        {
            error = "only ASCII names are accepted: this server cannot normalise Unicode (it runs in globalization-invariant mode)";
            return false;
        }

        normalized = value.IsNormalized(NormalizationForm.FormC) ? value : value.Normalize(NormalizationForm.FormC);
        return true;
    }

    private static bool IsWellFormedUtf16(string s)
    {
        int i = s.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF');
        if (i < 0)
        {
            return true;
        }

        for (; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(s[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether string normalisation works in this process: it needs ICU, and in
    /// globalization-invariant mode <see cref="string.Normalize(NormalizationForm)"/> silently returns
    /// its input, which would make "é" (U+00E9) and "e" + U+0301, or "Ａｌｉｃｅ" and "alice",
    /// different names that look alike.
    /// </summary>
    private static bool ProbeNormalization()
    {
        try
        {
            return "e\u0301".Normalize(NormalizationForm.FormC) == "\u00E9"
                && "\uFF21".Normalize(NormalizationForm.FormKC) == "A";
        }
        catch (PlatformNotSupportedException)
        {
            return false;
        }
    }
}
