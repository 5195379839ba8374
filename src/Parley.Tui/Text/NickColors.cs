using System.Text;
using Parley.Protocol;

namespace Parley.Tui.Text;

/// <summary>
/// A stable colour per nickname: the 32-bit FNV-1a hash of the nickname's key (NFKC, lower case: the server's
/// notion of "the same nickname") modulo the palette size. Unlike <see cref="string.GetHashCode()"/>, which is
/// randomised per process, the same nickname gets the same colour in every run and on every machine.
/// </summary>
public static class NickColors
{
    /// <summary>How many colours nicknames are spread over (see <c>Render/Palette</c>).</summary>
    public const int Count = 12;

    private const uint FnvOffsetBasis = 2166136261;
    private const uint FnvPrime = 16777619;

    /// <summary>The palette index for <paramref name="nick"/>, in [0, <see cref="Count"/>).</summary>
    public static int IndexOf(string nick) => (int)(Fnv1a(Key(nick)) % Count);

    /// <summary>32-bit FNV-1a over the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static uint Fnv1a(string text)
    {
        uint hash = FnvOffsetBasis;
        Span<byte> buffer = stackalloc byte[4];
        foreach (Rune rune in text.EnumerateRunes())
        {
            int n = rune.EncodeToUtf8(buffer);
            for (int i = 0; i < n; i++)
            {
                hash ^= buffer[i];
                hash *= FnvPrime;
            }
        }

        return hash;
    }

    private static string Key(string nick)
    {
        try
        {
            return ContentRules.Key(nick);
        }
        catch (ArgumentException)
        {
            // A lone surrogate cannot be normalised; lower-casing alone still gives it a stable colour.
            return nick.ToLowerInvariant();
        }
    }
}
