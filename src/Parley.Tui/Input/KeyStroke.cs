namespace Parley.Tui.Input;

/// <summary>Keys the client acts on, independent of the terminal library that read them.</summary>
public enum KeyName
{
    None,

    /// <summary>A printable character (or, with Ctrl/Alt, a letter or digit): see <see cref="KeyStroke.Text"/>.</summary>
    Char,
    Enter,
    Backspace,
    Delete,
    Left,
    Right,
    Up,
    Down,
    Home,
    End,
    PageUp,
    PageDown,
    Tab,
    Escape,
    F1,
    F2,
    F3,
    F4,
    F5,
    F6,
    F7,
    F8,
    F9,
    F10,
    F11,
    F12,
}

[Flags]
public enum KeyMods
{
    None = 0,
    Ctrl = 1,
    Alt = 2,
    Shift = 4,
}

/// <summary>One key press. For <see cref="KeyName.Char"/>, <see cref="Text"/> is the character, lower case for Ctrl/Alt letters.</summary>
public readonly record struct KeyStroke(KeyName Name, KeyMods Mods = KeyMods.None, string Text = "")
{
    public static KeyStroke Char(string text) => new(KeyName.Char, KeyMods.None, text);

    public static KeyStroke Ctrl(char c) => new(KeyName.Char, KeyMods.Ctrl, char.ToLowerInvariant(c).ToString());

    public static KeyStroke Alt(char c) => new(KeyName.Char, KeyMods.Alt, char.ToLowerInvariant(c).ToString());

    public static KeyStroke Of(KeyName name, KeyMods mods = KeyMods.None) => new(name, mods);

    public bool IsCtrl(char c) => Name == KeyName.Char && Mods == KeyMods.Ctrl && Text == char.ToLowerInvariant(c).ToString();

    public bool IsAlt(char c) => Name == KeyName.Char && Mods == KeyMods.Alt && Text == char.ToLowerInvariant(c).ToString();

    public override string ToString()
    {
        string mods = (Mods.HasFlag(KeyMods.Ctrl) ? "Ctrl+" : string.Empty) + (Mods.HasFlag(KeyMods.Alt) ? "Alt+" : string.Empty)
            + (Mods.HasFlag(KeyMods.Shift) ? "Shift+" : string.Empty);
        return mods + (Name == KeyName.Char ? Text : Name.ToString());
    }
}
