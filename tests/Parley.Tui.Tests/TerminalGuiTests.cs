using Parley.Tui.Terminal;
using Parley.Tui.Tests.Support;
using Parley.Tui.Text;
using Terminal.Gui.App;
using Terminal.Gui.Drivers;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;
using Terminal.Gui.Time;
using Terminal.Gui.Views;

namespace Parley.Tui.Tests;

/// <summary>
/// The thin Terminal.Gui layer, headless: Terminal.Gui's ANSI driver with no console behind it, keys and pastes
/// injected through its own input pipeline, and the screen read back from the driver's contents.
/// </summary>
public sealed class TerminalGuiTests : IDisposable
{
    private readonly IApplication _app;
    private readonly Runnable _top = new();
    private readonly SessionToken _session;
    private readonly Chat _chat = new();
    private readonly VirtualTimeProvider _time = new();
    private int _changes;

    public TerminalGuiTests()
    {
        _app = Application.Create(_time);
        _app.Init(DriverRegistry.Names.ANSI);
        _app.Driver!.SetScreenSize(100, 24);
        var view = new ChatView(_chat.Model, () => _changes++);
        _top.Add(view);
        _session = _app.Begin(_top)!;
        view.SetFocus();
    }

    public void Dispose()
    {
        _app.End(_session);
        _top.Dispose();
        _app.Dispose();
    }

    private string Screen()
    {
        _app.LayoutAndDraw(true);
        return _app.Driver!.ToString() ?? string.Empty;
    }

    private void Type(string text)
    {
        foreach (char c in text)
        {
            _app.InjectKey(new Key(c));
        }
    }

    [Fact]
    public void Keys_typed_in_the_terminal_reach_the_model_and_the_screen()
    {
        _chat.Join("#a", "alice", "bob");
        Type("hello");
        Assert.Contains("[#a] hello", Screen(), StringComparison.Ordinal);
        _app.InjectKey(Key.Enter);
        Assert.Equal("say #a hello", _chat.Backend.Calls[^1]);
        Assert.True(_changes >= 6);
    }

    [Fact]
    public void Tab_reaches_the_completion_instead_of_moving_the_focus()
    {
        _chat.Join("#a", "alice", "bob");
        Type("bo");
        _app.InjectKey(Key.Tab);
        Assert.Contains("[#a] bob: ", Screen(), StringComparison.Ordinal);
    }

    [Fact]
    public void Alt_and_a_digit_switches_buffers()
    {
        _chat.Join("#a").Join("#b");
        Assert.StartsWith(" #b", Screen(), StringComparison.Ordinal);
        _app.InjectKey(Key.D2.WithAlt);
        Assert.StartsWith(" #a", Screen(), StringComparison.Ordinal);
    }

    [Fact]
    public void Alt_2_and_keys_typed_in_the_same_read_all_arrive()
    {
        // What a terminal sends for Alt+2 then "hi" typed at once: Terminal.Gui's parser swallows all of it.
        IInputProcessor input = _app.Driver!.GetInputProcessor();
        AltKeyRecovery.Attach(input, key => _chat.Model.HandleKey(key));
        _chat.Join("#a").Join("#b");

        foreach (char c in "\u001b2hi")
        {
            ((InputProcessorImpl<char>)input).InputQueue.Enqueue(c);
        }

        input.ProcessQueue();
        _time.Advance(TimeSpan.FromSeconds(1));
        input.ProcessQueue();

        string screen = Screen();
        Assert.StartsWith(" #a", screen, StringComparison.Ordinal);
        Assert.Contains("[#a] hi", screen, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bracketed_paste_of_many_lines_asks_first()
    {
        _chat.Join("#a");
        _app.RaisePasteEvent(string.Join('\n', Enumerable.Range(1, 8).Select(i => $"p{i}")));
        Assert.Contains("send 8 lines? [y/N/e]", Screen(), StringComparison.Ordinal);
        _app.InjectKey(Key.Y);
        Assert.Equal(9, _chat.Backend.Calls.Count);
    }

    [Fact]
    public void Escape_is_ours_and_does_not_close_the_screen()
    {
        _app.InjectKey(Key.Esc);
        Assert.True(_top.IsRunning);
    }

    [Fact]
    public void A_resize_below_the_minimum_shows_the_message_and_back_restores_the_layout()
    {
        _chat.Join("#a");
        _app.Driver!.SetScreenSize(30, 6);
        Assert.Contains("terminal too small", Screen(), StringComparison.Ordinal);
        _app.Driver!.SetScreenSize(100, 24);
        Assert.StartsWith(" #a", Screen(), StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_the_network_sends_reaches_the_driver_as_a_control_character()
    {
        _chat.Join("#a");
        _chat.Said("#a", "mal\u001blory", "\u001b[2J\u001b]0;x\u0007\u009b1m\u0007 日本 🎉");
        string screen = Screen();
        Assert.Contains("␛[2J␛]0;x␇", screen, StringComparison.Ordinal);
        Assert.True(TerminalText.IsInert(screen.Replace("\n", string.Empty, StringComparison.Ordinal).Replace("\r", string.Empty, StringComparison.Ordinal)));
    }
}
