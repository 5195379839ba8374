using System.Drawing;
using Parley.Tui.Model;
using Parley.Tui.Render;
using Terminal.Gui.Drivers;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;

namespace Parley.Tui.Terminal;

/// <summary>
/// The one Terminal.Gui view of the chat screen: it copies a <see cref="Screen"/> frame from
/// <see cref="ScreenRenderer"/> into the terminal and hands every key and paste to the <see cref="ChatModel"/>.
/// All layout and behaviour live in the model and the renderer, where tests reach them without a terminal.
/// </summary>
internal sealed class ChatView : View
{
    private readonly ChatModel _model;
    private readonly Action _changed;

    public ChatView(ChatModel model, Action changed)
    {
        _model = model;
        _changed = changed;
        X = 0;
        Y = 0;
        Width = Dim.Fill();
        Height = Dim.Fill();
        CanFocus = true;
    }

    protected override bool OnKeyDown(Key key)
    {
        if (key.EventType == KeyEventType.Release || key.IsModifierOnly)
        {
            return false;
        }

        _model.HandleKey(KeyMap.From(key));
        _changed();
        // Every key is ours: none may fall through to Terminal.Gui's defaults (Tab moving focus, Esc quitting).
        return true;
    }

    protected override bool OnPaste(string text)
    {
        _model.HandlePaste(text);
        _changed();
        return true;
    }

    protected override bool OnDrawingContent(DrawContext? context)
    {
        Rectangle viewport = Viewport;
        Screen frame = ScreenRenderer.Render(_model, viewport.Width, viewport.Height);
        for (int y = 0; y < frame.Height; y++)
        {
            for (int x = 0; x < frame.Width; x++)
            {
                Cell cell = frame[x, y];
                if (cell.IsContinuation)
                {
                    continue;
                }

                SetAttribute(Palette.Of(cell.Style));
                AddStr(x, y, cell.Text);
            }
        }

        Cursor = frame.Cursor is (int cx, int cy)
            ? new Cursor { Position = ViewportToScreen(new Point(cx, cy)), Style = CursorStyle.SteadyBar }
            : new Cursor { Position = null };
        context?.AddDrawnRectangle(viewport);
        return true;
    }
}
