using System.Collections.Frozen;
using System.Text;
using System.Text.Json;

namespace Parley.Protocol;

// Confusable names (docs/PROTOCOL.md "Normalisation and identity"): two names that look alike on
// screen, such as Latin "alice" and "аlice" with a Cyrillic а, or "rnallory" and "mallory", have the
// same skeleton, and a server refuses a name whose skeleton another name already holds.
public static partial class ContentRules
{
    private static readonly Lazy<FrozenDictionary<int, string>> Prototypes = new(LoadPrototypes);

    /// <summary>
    /// The name's confusable skeleton: Unicode TR39 section 4 (NFD, each character replaced by its
    /// prototype from confusables.txt, NFD again), after NFKC (full-width and other compatibility forms)
    /// and followed by a culture-invariant lower-casing, so that "Аlice" (Cyrillic А) matches "alice"
    /// as well as "Alice". Two valid names with the same skeleton look alike (per the Unicode data); the
    /// skeleton is for comparing, never for showing. It is computed from the name as shown, not from its
    /// <see cref="Key"/>: lower-casing first would hide that a capital I looks like a small l.
    /// </summary>
    /// <remarks>
    /// The data is confusables.txt of Unicode 10.0 (see Unicode/NOTICE.md): characters added to Unicode
    /// later have no prototype and are compared as themselves. Without Unicode normalisation
    /// (<see cref="UnicodeNamesSupported"/> false) names are ASCII, which needs none.
    /// </remarks>
    public static string Skeleton(string name)
    {
        bool normalize = UnicodeNamesSupported && !Ascii.IsValid(name);
        string s = normalize ? name.Normalize(NormalizationForm.FormKC).Normalize(NormalizationForm.FormD) : name;
        FrozenDictionary<int, string> prototypes = Prototypes.Value;
        var sb = new StringBuilder(s.Length + 4);
        foreach (Rune rune in s.EnumerateRunes())
        {
            if (prototypes.TryGetValue(rune.Value, out string? prototype))
            {
                sb.Append(prototype);
            }
            else
            {
                sb.Append(rune.ToString());
            }
        }

        string mapped = sb.ToString();
        if (UnicodeNamesSupported && !Ascii.IsValid(mapped))
        {
            mapped = mapped.Normalize(NormalizationForm.FormD);
        }

        return mapped.ToLowerInvariant();
    }

    /// <summary>
    /// Default_Ignorable_Code_Point (Unicode DerivedCoreProperties.txt): characters that render as
    /// nothing. Most are format characters, which names refuse anyway; these ranges also catch the
    /// invisible ones that are letters or marks (Hangul fillers U+115F, U+1160, U+3164, U+FFA0; the
    /// combining grapheme joiner U+034F; variation selectors), which would let "alice" and "alice"
    /// followed by an invisible character be two names.
    /// </summary>
    private static bool IsDefaultIgnorable(int c) => c switch
    {
        0x00AD or 0x034F or 0x061C or 0x3164 or 0xFEFF or 0xFFA0 => true,
        >= 0x115F and <= 0x1160 => true,
        >= 0x17B4 and <= 0x17B5 => true,
        >= 0x180B and <= 0x180F => true,
        >= 0x200B and <= 0x200F => true,
        >= 0x202A and <= 0x202E => true,
        >= 0x2060 and <= 0x206F => true,
        >= 0xFE00 and <= 0xFE0F => true,
        >= 0xFFF0 and <= 0xFFF8 => true,
        >= 0x1BCA0 and <= 0x1BCA3 => true,
        >= 0x1D173 and <= 0x1D17A => true,
        >= 0xE0000 and <= 0xE0FFF => true,
        _ => false,
    };

    /// <summary>Reads the embedded table: a JSON object from each confusable character to its prototype.</summary>
    private static FrozenDictionary<int, string> LoadPrototypes()
    {
        using Stream stream = typeof(ContentRules).Assembly.GetManifestResourceStream("Parley.Protocol.Unicode.confusables.json")
            ?? throw new InvalidOperationException("the embedded confusables table is missing");
        using var buffer = new MemoryStream((int)stream.Length);
        stream.CopyTo(buffer);
        var reader = new Utf8JsonReader(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        var map = new Dictionary<int, string>(6400);
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            string from = reader.GetString()!;
            reader.Read();
            string to = reader.GetString()!;
            // Every source in confusables.txt is one code point.
            if (Rune.DecodeFromUtf16(from, out Rune rune, out int used) == System.Buffers.OperationStatus.Done && used == from.Length)
            {
                map[rune.Value] = to;
            }
        }

        return map.ToFrozenDictionary();
    }
}
