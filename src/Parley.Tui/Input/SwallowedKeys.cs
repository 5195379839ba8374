using System.Text;

namespace Parley.Tui.Input;

/// <summary>
/// Keys recovered from input that Terminal.Gui 2.5.0's ANSI parser threw away. A terminal sends Alt+2 as ESC 2; the
/// parser holds ESC and the character after it as the start of an escape sequence, and matches ESC 2 as Alt+2 only
/// when nothing else arrived before its escape timeout. When more keys come first (Alt+2 and then typing at once, or
/// a paste of keys by tmux), it holds them too, finds that ESC 2 x y z is no sequence it knows, and swallows all of
/// it: the buffer switch and the typed characters are lost. It reports what it swallowed
/// (<c>IInputProcessor.AnsiSequenceSwallowed</c>); this turns that back into keys.
/// </summary>
/// <remarks>
/// Only an ESC followed by a digit, a lower-case letter or Enter is taken as Alt: that is every Alt key the client
/// binds, and no reply a terminal sends on its own (CSI, OSC, DCS, SS3: ESC followed by <c>[ ] P O</c> and other
/// upper-case characters) starts that way, so a swallowed terminal reply is never typed into the input line.
/// </remarks>
public static class SwallowedKeys
{
    private const char Escape = '\u001b';

    /// <summary>The keys in <paramref name="sequence"/>, or null when it is not an Alt key followed by typing.</summary>
    public static IReadOnlyList<KeyStroke>? Recover(string sequence)
    {
        if (sequence.Length < 2 || sequence[0] != Escape)
        {
            return null;
        }

        char alt = sequence[1];
        KeyStroke first;
        if (char.IsAsciiDigit(alt) || char.IsAsciiLetterLower(alt))
        {
            first = KeyStroke.Alt(alt);
        }
        else if (alt is '\r' or '\n')
        {
            first = KeyStroke.Of(KeyName.Enter, KeyMods.Alt);
        }
        else
        {
            return null;
        }

        var keys = new List<KeyStroke> { first };
        foreach (Rune rune in sequence[2..].EnumerateRunes())
        {
            if (KeyOf(rune) is { } key)
            {
                keys.Add(key);
            }
        }

        return keys;
    }

    /// <summary>What a raw input character means, as a terminal in raw mode sends it.</summary>
    private static KeyStroke? KeyOf(Rune rune) => rune.Value switch
    {
        '\r' or '\n' => KeyStroke.Of(KeyName.Enter),
        '\t' => KeyStroke.Of(KeyName.Tab),
        '\b' or 0x7f => KeyStroke.Of(KeyName.Backspace),
        >= 0x01 and <= 0x1a => KeyStroke.Ctrl((char)('a' + rune.Value - 1)),
        < 0x20 => null,
        _ when Rune.IsControl(rune) => null,
        _ => KeyStroke.Char(rune.ToString()),
    };
}
