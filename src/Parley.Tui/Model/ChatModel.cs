using Parley.Tui.Commands;
using Parley.Tui.Input;
using Parley.Tui.Text;

namespace Parley.Tui.Model;

/// <summary>
/// The chat screen's state and behaviour, with no terminal in it: buffers, the input line, the connection status,
/// what keys and commands do and how server events change the screen. The Terminal.Gui layer draws it
/// (<c>Render/ScreenRenderer</c>) and feeds it keys; tests drive it directly.
/// </summary>
/// <remarks>
/// Single-threaded by design: every method runs on the UI thread. Network results come back through
/// <see cref="IUiDispatcher.Post"/>, so a reply and a server event never race each other over the state.
/// </remarks>
public sealed partial class ChatModel
{
    private readonly IChatBackend _backend;
    private readonly IUiDispatcher _ui;
    private readonly TimeProvider _time;
    private readonly Completer _completer = new();

    // Room names from the last /list, for Tab completion.
    private readonly List<string> _knownRooms = [];
    private int _bells;
    private bool _redraw;

    public ChatModel(string endpoint, string nick, ChatOptions options, IChatBackend backend, IUiDispatcher ui, TimeProvider? time = null)
    {
        Options = options;
        _backend = backend;
        _ui = ui;
        _time = time ?? TimeProvider.System;
        Nick = nick;
        Status = new ConnectionStatus(endpoint);
        Buffers = new BufferList(endpoint);
        ShowMembers = options.ShowMembers;
    }

    public ChatOptions Options { get; }

    public BufferList Buffers { get; }

    public ChatBuffer Current => Buffers.Current;

    public InputEditor Input { get; } = new();

    public ConnectionStatus Status { get; }

    /// <summary>Our nickname: the one held, or the one asked for before the first connection.</summary>
    public string Nick { get; private set; }

    public bool ShowMembers { get; private set; }

    /// <summary>The <c>/away</c> message; null when not away.</summary>
    public string? AwayMessage { get; private set; }

    /// <summary>The question the input line asks instead of taking text (a large paste); null when none.</summary>
    public PasteQuestion? Question { get; private set; }

    /// <summary>Rows of the message log at the last render: a page for PgUp/PgDn.</summary>
    public int LogHeight { get; set; } = 20;

    /// <summary>The user asked to leave.</summary>
    public bool Quitting { get; private set; }

    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>The terminal title: the buffer shown and, when other buffers have unread messages, how many.</summary>
    public string Title
    {
        get
        {
            int unread = Buffers.TotalUnread;
            string name = Current.Kind == BufferKind.Server ? Status.Endpoint : Current.Name;
            return unread > 0 ? $"parley: {name} ({unread} unread)" : $"parley: {name}";
        }
    }

    /// <summary>Returns and clears whether the bell should ring (once per batch, however many mentions).</summary>
    public bool TakeBell()
    {
        bool ring = _bells > 0;
        _bells = 0;
        return ring;
    }

    /// <summary>Returns and clears whether the user asked for a full redraw (Ctrl+L).</summary>
    public bool TakeRedraw()
    {
        bool redraw = _redraw;
        _redraw = false;
        return redraw;
    }

    /// <summary>What Tab completes from in the buffer shown.</summary>
    public CompletionSource Completions()
    {
        List<string> nicks = [.. Current.RecentSpeakers];
        nicks.AddRange(Current.Members.Where(m => !nicks.Any(n => Names.Same(n, m))));
        if (Current.Kind == BufferKind.Direct && !nicks.Any(n => Names.Same(n, Current.Name)))
        {
            nicks.Add(Current.Name);
        }

        nicks.RemoveAll(n => Names.Same(n, Nick));
        List<string> rooms = [.. Buffers.All.Where(b => b.Kind == BufferKind.Room).Select(b => b.Name)];
        rooms.AddRange(_knownRooms.Where(r => !rooms.Any(j => Names.Same(j, r))));
        return new CompletionSource([.. CommandTable.All.Select(c => "/" + c.Name)], rooms, nicks);
    }

    private void Add(ChatBuffer buffer, ChatLine line, bool ring = false)
    {
        buffer.Add(line, visible: buffer == Current);
        if (ring && Options.Bell)
        {
            _bells++;
        }
    }

    private void Notice(ChatBuffer buffer, string text) => Add(buffer, new ChatLine(Now, LineKind.Notice, string.Empty, text));

    private void Error(ChatBuffer buffer, string text) => Add(buffer, new ChatLine(Now, LineKind.Error, string.Empty, text));

    /// <summary>Shows <paramref name="buffer"/>, parking the input line's text as the draft of the one left.</summary>
    private void Show(ChatBuffer buffer)
    {
        ChatBuffer left = Current;
        if (!Buffers.Show(buffer))
        {
            return;
        }

        left.Draft = (Input.Text, Input.Cursor);
        left.History.Reset();
        (string text, int cursor) = buffer.Draft;
        Input.Set(text, cursor);
    }

    /// <summary>Runs <paramref name="task"/>'s outcome on the UI thread.</summary>
    private void Then<T>(Task<T> task, Action<T> done, Action<Exception> failed) =>
        task.ContinueWith(
            t => _ui.Post(() =>
            {
                if (t.IsCompletedSuccessfully)
                {
                    done(t.Result);
                }
                else
                {
                    failed(t.Exception?.InnerException ?? new OperationCanceledException());
                }
            }),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    private void Then(Task task, Action done, Action<Exception> failed) =>
        Then(task.ContinueWith(t => { t.GetAwaiter().GetResult(); return true; }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default), _ => done(), failed);

    /// <summary>A bug on the UI thread: shown in the server buffer rather than taking the screen down.</summary>
    public void ReportInternalError(Exception ex) => Error(Buffers.Server, $"internal error: {TerminalText.Line(ex.GetType().Name)}: {TerminalText.Line(ex.Message)}");
}
