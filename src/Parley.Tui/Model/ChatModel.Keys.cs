using Parley.Tui.Input;

namespace Parley.Tui.Model;

// Keys and pastes.
public sealed partial class ChatModel
{
    /// <summary>Handles one key press; returns false for keys it does not use.</summary>
    public bool HandleKey(KeyStroke key)
    {
        if (Question is not null)
        {
            Answer(key);
            return true;
        }

        if (key.Name == KeyName.Tab)
        {
            _completer.Complete(Input, Completions(), backwards: key.Mods.HasFlag(KeyMods.Shift));
            return true;
        }

        _completer.Reset();
        if (key.Mods == KeyMods.Alt && key.Name == KeyName.Char && key.Text.Length == 1 && char.IsAsciiDigit(key.Text[0]))
        {
            // Alt+1..9 are buffers 1..9, Alt+0 is buffer 10.
            int n = key.Text[0] == '0' ? 10 : key.Text[0] - '0';
            if (n <= Buffers.All.Count)
            {
                Show(Buffers.All[n - 1]);
            }

            return true;
        }

        if (key.IsCtrl('n'))
        {
            ShowRelative(+1);
        }
        else if (key.IsCtrl('p'))
        {
            ShowRelative(-1);
        }
        else if (key.IsAlt('a'))
        {
            if (Buffers.NextActive() is { } active)
            {
                Show(active);
            }
        }
        else if (key.IsCtrl('a') || key is { Name: KeyName.Home, Mods: KeyMods.None })
        {
            Input.Home();
        }
        else if (key.IsCtrl('e') || key is { Name: KeyName.End, Mods: KeyMods.None })
        {
            Input.End();
        }
        else if (key.IsCtrl('k'))
        {
            Input.KillToEnd();
        }
        else if (key.IsCtrl('u'))
        {
            Input.KillToStart();
        }
        else if (key.IsCtrl('w'))
        {
            Input.KillWordBack();
        }
        else if (key.IsCtrl('c'))
        {
            if (Input.IsEmpty)
            {
                Notice(Current, "type /quit to leave");
            }
            else
            {
                Input.Clear();
                Current.History.Reset();
            }
        }
        else if (key.IsCtrl('l'))
        {
            _redraw = true;
        }
        else if (key is { Name: KeyName.Enter, Mods: KeyMods.Alt } || key is { Name: KeyName.Char, Mods: KeyMods.Ctrl | KeyMods.Alt, Text: "m" })
        {
            // Alt+Enter inserts a line break; some terminals send it as Ctrl+Alt+M.
            Input.Insert("\n");
        }
        else
        {
            return HandleEditingKey(key);
        }

        return true;
    }

    /// <summary>A bracketed paste from the terminal.</summary>
    public void HandlePaste(string text)
    {
        string normal = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').TrimEnd('\n');
        if (normal.Length == 0)
        {
            return;
        }

        string[] lines = normal.Split('\n');
        // A pasted command must never run by itself: even one line starting with / asks first.
        if (lines.Length > Options.PasteQuestionLines || lines.Any(l => l.StartsWith('/')))
        {
            Question = new PasteQuestion(lines);
            return;
        }

        Input.Insert(normal);
    }

    /// <summary>
    /// The clock moved on (called once a second): read markers due go to the server. True when the screen shows
    /// something that changed with it: the reconnect countdown, or the minute in the status line.
    /// </summary>
    public bool Tick()
    {
        UpdateReadMarkers();
        string minute = Timestamp(Now);
        bool changed = minute != _shownMinute || Status.State == Parley.Client.ConnectionState.Reconnecting;
        _shownMinute = minute;
        return changed;
    }

    private string? _shownMinute;

    private bool HandleEditingKey(KeyStroke key)
    {
        switch (key)
        {
            case { Name: KeyName.Enter, Mods: KeyMods.None }:
                SubmitInput();
                break;
            case { Name: KeyName.Backspace }:
                Input.Backspace();
                break;
            case { Name: KeyName.Delete }:
                Input.Delete();
                break;
            case { Name: KeyName.Left }:
                Input.Left();
                break;
            case { Name: KeyName.Right }:
                Input.Right();
                break;
            case { Name: KeyName.Up, Mods: KeyMods.None }:
                if (Current.History.Previous(Input.Text) is { } older)
                {
                    Input.Set(older);
                }

                break;
            case { Name: KeyName.Down, Mods: KeyMods.None }:
                if (Current.History.Next() is { } newer)
                {
                    Input.Set(newer);
                }

                break;
            case { Name: KeyName.PageUp }:
                Scroll(Math.Max(1, LogHeight - 2));
                break;
            case { Name: KeyName.PageDown }:
                Scroll(-Math.Max(1, LogHeight - 2));
                break;
            case { Name: KeyName.Home, Mods: KeyMods.Ctrl }:
                Scroll(int.MaxValue / 2);
                break;
            case { Name: KeyName.End, Mods: KeyMods.Ctrl }:
                Current.ScrollToBottom();
                break;
            case { Name: KeyName.F8 }:
                ShowMembers = !ShowMembers;
                break;
            case { Name: KeyName.Char, Mods: KeyMods.None or KeyMods.Shift }:
                Input.Insert(key.Text);
                break;
            default:
                return false;
        }

        return true;
    }

    private void SubmitInput()
    {
        string text = Input.Text;
        if (text.Length == 0)
        {
            return;
        }

        Current.History.Add(text);
        Input.Clear();
        Current.ScrollToBottom();
        foreach (string line in text.Split('\n'))
        {
            if (line.Length > 0)
            {
                Submit(line);
            }
        }
    }

    private void Answer(KeyStroke key)
    {
        PasteQuestion question = Question!;
        Question = null;
        if (key is { Name: KeyName.Char, Mods: KeyMods.None or KeyMods.Shift } && key.Text.Equals("y", StringComparison.OrdinalIgnoreCase))
        {
            foreach (string line in question.Lines)
            {
                if (line.Length > 0)
                {
                    Send(Current, line, action: false);
                }
            }
        }
        else if (key is { Name: KeyName.Char, Mods: KeyMods.None or KeyMods.Shift } && key.Text.Equals("e", StringComparison.OrdinalIgnoreCase))
        {
            Input.Insert(string.Join('\n', question.Lines));
        }
        else
        {
            Notice(Current, "paste dropped");
        }
    }

    private void Scroll(int rows)
    {
        ChatBuffer b = Current;
        b.ScrollRows = Math.Max(0, b.ScrollRows + rows);
        if (b.ScrollRows == 0)
        {
            b.ScrollToBottom();
        }
    }

    private void ShowRelative(int step)
    {
        IReadOnlyList<ChatBuffer> all = Buffers.All;
        int i = (all.ToList().IndexOf(Current) + step + all.Count) % all.Count;
        Show(all[i]);
    }
}
