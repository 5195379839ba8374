using Parley.Tui.Input;
using Terminal.Gui.Drivers;
using Terminal.Gui.Input;

namespace Parley.Tui.Terminal;

/// <summary>Terminal.Gui's <see cref="Key"/> in our own terms (<see cref="KeyStroke"/>), so nothing past this file depends on it.</summary>
internal static class KeyMap
{
    public static KeyStroke From(Key key)
    {
        KeyCode code = key.KeyCode;
        KeyMods mods = (key.IsCtrl ? KeyMods.Ctrl : KeyMods.None) | (key.IsAlt ? KeyMods.Alt : KeyMods.None)
            | (key.IsShift ? KeyMods.Shift : KeyMods.None);
        KeyCode bare = code & ~(KeyCode.CtrlMask | KeyCode.AltMask | KeyCode.ShiftMask);
        KeyName name = bare switch
        {
            KeyCode.Enter => KeyName.Enter,
            KeyCode.Backspace => KeyName.Backspace,
            KeyCode.Delete => KeyName.Delete,
            KeyCode.CursorLeft => KeyName.Left,
            KeyCode.CursorRight => KeyName.Right,
            KeyCode.CursorUp => KeyName.Up,
            KeyCode.CursorDown => KeyName.Down,
            KeyCode.Home => KeyName.Home,
            KeyCode.End => KeyName.End,
            KeyCode.PageUp => KeyName.PageUp,
            KeyCode.PageDown => KeyName.PageDown,
            KeyCode.Tab => KeyName.Tab,
            KeyCode.Esc => KeyName.Escape,
            >= KeyCode.F1 and <= KeyCode.F12 => KeyName.F1 + (int)(bare - KeyCode.F1),
            _ => KeyName.None,
        };
        if (name != KeyName.None)
        {
            return new KeyStroke(name, mods);
        }

        if (mods.HasFlag(KeyMods.Ctrl) || mods.HasFlag(KeyMods.Alt))
        {
            // Ctrl/Alt with a letter or digit: the key, not the text it would type.
            if (bare is >= KeyCode.A and <= KeyCode.Z)
            {
                return new KeyStroke(KeyName.Char, mods & ~KeyMods.Shift, ((char)('a' + (bare - KeyCode.A))).ToString());
            }

            if (bare is >= KeyCode.D0 and <= KeyCode.D9)
            {
                return new KeyStroke(KeyName.Char, mods & ~KeyMods.Shift, ((char)('0' + (bare - KeyCode.D0))).ToString());
            }
        }

        string text = key.GetPrintableText();
        if (text.Length > 0 && !mods.HasFlag(KeyMods.Ctrl) && !mods.HasFlag(KeyMods.Alt))
        {
            return new KeyStroke(KeyName.Char, mods & KeyMods.Shift, text);
        }

        return new KeyStroke(KeyName.None, mods, text);
    }
}
