using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Parley.Client;
using Parley.Protocol;
using Parley.Protocol.Messages;
using Parley.Tui.Model;

namespace Parley.Tui.Session;

/// <summary>
/// The chat screen's network side over a <see cref="ParleySession"/>: requests for the model, the session's
/// events carried onto the UI thread in batches, and a periodic ping for the lag shown in the status line.
/// </summary>
public sealed partial class SessionBackend : IChatBackend
{
    /// <summary>How often the lag is measured.</summary>
    public static readonly TimeSpan PingEvery = TimeSpan.FromSeconds(10);

    /// <summary>Rate-limited sends are retried this many times, each after the delay the server asks for.</summary>
    private const int MaxSendAttempts = 5;

    /// <summary>Events handed to the UI thread at once: a burst redraws once, and the loop still gets to keys.</summary>
    private const int MaxBatch = 256;

    private readonly ParleySession _session;
    private readonly ILogger _logger;
    private readonly Action _quit;
    private string? _quitMessage;

    /// <param name="session">The session, started by the caller.</param>
    /// <param name="logger">For failures no one waits for (pings).</param>
    /// <param name="quit">Closes the screen (called for <c>/quit</c>).</param>
    public SessionBackend(ParleySession session, ILogger logger, Action quit)
    {
        _session = session;
        _logger = logger;
        _quit = quit;
    }

    public bool IsConnected => _session.State == ConnectionState.Connected;

    /// <summary>The message given to <c>/quit</c>, if any.</summary>
    public string? QuitMessage => Volatile.Read(ref _quitMessage);

    /// <summary>True once the user asked to quit.</summary>
    public bool QuitRequested { get; private set; }

    // Each request is an async method so that a failure the session reports synchronously (it throws
    // ParleyConnectionException from a call made just as the connection dropped) reaches the model as a
    // faulted task, like every other failure, and never escapes into the UI loop.
    public async Task<Joined> JoinAsync(string room) => await _session.JoinAsync(room).ConfigureAwait(false);

    public async Task PartAsync(string room, string reason) => await _session.PartAsync(room, reason).ConfigureAwait(false);

    public async Task<RoomList> ListRoomsAsync() => await _session.ListRoomsAsync().ConfigureAwait(false);

    public async Task<Members> NamesAsync(string room) => await _session.NamesAsync(room).ConfigureAwait(false);

    public Task<Sent> SayAsync(string room, string text, bool action) => PacedAsync(() => SayReliablyAsync(room, text, action));

    public Task<Sent> WhisperAsync(string nick, string text, bool action) => PacedAsync(() => _session.WhisperAsync(nick, text, action));

    public async Task<string> SetNickAsync(string nick) => await _session.SetNickAsync(nick).ConfigureAwait(false);

    public async Task SetTopicAsync(string room, string topic) => await _session.SetTopicAsync(room, topic).ConfigureAwait(false);

    public async Task SetAwayAsync(string? message) => await _session.SetAwayAsync(message).ConfigureAwait(false);

    public async Task<WhoisInfo> WhoisAsync(string nick) => await _session.WhoisAsync(nick).ConfigureAwait(false);

    public async Task<IReadOnlyList<Delivered>> RoomBacklogAsync(string room, ulong throughSeq, int count) =>
        await _session.RoomBacklogAsync(room, throughSeq, count).ConfigureAwait(false);

    public async Task<IReadOnlyList<DirectDelivered>> DirectBacklogAsync(string peer, ulong throughSeq, int count) =>
        await _session.DirectBacklogAsync(peer, throughSeq, count).ConfigureAwait(false);

    public async Task MarkReadAsync(string conversation, ulong seq) => await _session.MarkReadAsync(conversation, seq).ConfigureAwait(false);

    public void Quit(string? message)
    {
        Volatile.Write(ref _quitMessage, message);
        QuitRequested = true;
        _quit();
    }

    /// <summary>Carries the session's events to <paramref name="model"/> on the UI thread until the session stops.</summary>
    public async Task PumpAsync(ChatModel model, IUiDispatcher ui)
    {
        ChannelReader<ParleyEvent> events = _session.Events;
        while (await events.WaitToReadAsync().ConfigureAwait(false))
        {
            var batch = new List<ParleyEvent>();
            while (batch.Count < MaxBatch && events.TryRead(out ParleyEvent? e))
            {
                batch.Add(e);
            }

            ui.Post(() =>
            {
                foreach (ParleyEvent e in batch)
                {
                    model.Apply(e);
                }
            });
        }
    }

    /// <summary>Measures the lag every <see cref="PingEvery"/> while connected, until <paramref name="stop"/>.</summary>
    public async Task MeasureLagAsync(ChatModel model, IUiDispatcher ui, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(PingEvery);
        try
        {
            do
            {
                if (!IsConnected)
                {
                    continue;
                }

                try
                {
                    TimeSpan rtt = await _session.PingAsync(stop).ConfigureAwait(false);
                    ui.Post(() => model.SetLag(rtt));
                }
                catch (Exception ex) when (ex is ParleyException or OperationCanceledException && !stop.IsCancellationRequested)
                {
                    TuiLog.PingFailed(_logger, ex.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            // Quitting.
        }
    }

    /// <summary>
    /// A line in flight when the connection drops is sent again, with the same client message id, once
    /// the session is back (the server stores it once); after <see cref="InFlightRetryWindow"/> it is
    /// given up and shown as not sent.
    /// </summary>
    private async Task<Sent> SayReliablyAsync(string room, string text, bool action)
    {
        using var window = new CancellationTokenSource(InFlightRetryWindow);
        return await _session.SayReliablyAsync(room, text, action, window.Token).ConfigureAwait(false);
    }

    private static readonly TimeSpan InFlightRetryWindow = TimeSpan.FromMinutes(2);

    private static async Task<Sent> PacedAsync(Func<Task<Sent>> send)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await send().ConfigureAwait(false);
            }
            catch (ParleyRequestException ex) when (ex.Code == ErrorCode.RateLimited && ex.RetryAfter is { } wait && attempt < MaxSendAttempts)
            {
                await Task.Delay(wait).ConfigureAwait(false);
            }
        }
    }
}
