using Microsoft.Extensions.Logging;
using Parley.Tui.Model;
using Terminal.Gui.App;
using Terminal.Gui.Views;

namespace Parley.Tui.Terminal;

/// <summary>
/// Runs the Terminal.Gui application that shows a <see cref="ChatModel"/>, on a thread of its own (its main loop
/// blocks), and is the model's <see cref="IUiDispatcher"/>: work posted from network threads runs on that loop,
/// followed by a redraw, the bell and the title when they changed. The only class that creates or stops the
/// Terminal.Gui application.
/// </summary>
public sealed class TuiHost : IUiDispatcher
{
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IApplication? _app;
    // The view belongs to the runnable that disposes it; the host only asks it to redraw.
    private Action? _redraw;
    private ChatModel? _model;
    private string _title = string.Empty;
    private volatile bool _stopping;

    public TuiHost(ILogger logger) => _logger = logger;

    /// <summary>Completes when the screen is up and <see cref="Post"/> may be called.</summary>
    public Task Ready => _ready.Task;

    /// <summary>Completes when the screen has closed and the terminal is restored.</summary>
    public Task Done => _done.Task;

    /// <summary>Opens the screen for <paramref name="model"/> on a new thread and runs it until <see cref="Stop"/>.</summary>
    public void Start(ChatModel model)
    {
        _model = model;
        var thread = new Thread(RunLoop) { Name = "parley-tui", IsBackground = false };
        thread.Start();
    }

    public void Post(Action action)
    {
        IApplication? app = _app;
        if (app is null || _stopping)
        {
            return;
        }

        app.Invoke(() =>
        {
            action();
            Changed();
        });
    }

    /// <summary>Closes the screen (from any thread).</summary>
    public void Stop()
    {
        _stopping = true;
        _app?.Invoke(() => _app.RequestStop());
    }

    private void RunLoop()
    {
        try
        {
            using IApplication app = Application.Create();
            app.Init();
            _app = app;
            if (app.Driver is { } driver)
            {
                AltKeyRecovery.Attach(driver.GetInputProcessor(), key =>
                {
                    _model!.HandleKey(key);
                    Changed();
                });
            }

            using var top = new Runnable();
            var view = new ChatView(_model!, Changed);
            top.Add(view);
            view.SetFocus();
            _redraw = view.SetNeedsDraw;
            // The reconnect countdown in the status line moves once a second.
            app.AddTimeout(TimeSpan.FromSeconds(1), () =>
            {
                if (_model!.Tick())
                {
                    view.SetNeedsDraw();
                }

                return true;
            });
            app.Invoke(Changed);
            _ready.TrySetResult();
            app.Run(top, OnError);
            _app = null;
        }
        catch (Exception ex)
        {
            TuiLog.ScreenFailed(_logger, ex);
            _ready.TrySetException(ex);
            _done.TrySetException(ex);
            return;
        }

        _ready.TrySetResult();
        _done.TrySetResult();
    }

    /// <summary>A bug in our code on the UI thread: say so in the server buffer and keep the screen up.</summary>
    private bool OnError(Exception ex)
    {
        TuiLog.UiCallbackFailed(_logger, ex);
        _model?.ReportInternalError(ex);
        return true;
    }

    /// <summary>After the model changed: redraw, and update the bell and the title.</summary>
    private void Changed()
    {
        if (_app is not { } app || _redraw is null || _model is null)
        {
            return;
        }

        if (_model.Quitting)
        {
            _stopping = true;
            app.RequestStop();
            return;
        }

        if (_model.TakeRedraw())
        {
            app.ClearScreenNextIteration = true;
        }

        _redraw();
        if (_model.TakeBell())
        {
            app.Driver?.WriteRaw("\a");
        }

        string title = _model.Title;
        if (title != _title)
        {
            _title = title;
            // The title is built from sanitised names only (TerminalText), so it cannot end the OSC early.
            app.Driver?.SetTerminalTitle(title, 0);
        }
    }
}
