using Parley.Protocol.Messages;

namespace Parley.Client;

public sealed partial class ParleySession
{
    /// <summary>Joins <paramref name="room"/>; the session rejoins it after every reconnect until parted.</summary>
    public async Task<Joined> JoinAsync(string room, CancellationToken cancellationToken = default)
    {
        Joined joined = await Current.JoinAsync(room, cancellationToken).ConfigureAwait(false);
        Remember(joined, room);
        return joined;
    }

    /// <summary>Leaves <paramref name="room"/> and stops rejoining it.</summary>
    public async Task PartAsync(string room, string? reason = null, CancellationToken cancellationToken = default)
    {
        await Current.PartAsync(room, reason, cancellationToken).ConfigureAwait(false);
        Forget(room);
    }

    /// <summary>Changes nickname; the session asks for the new one when it reconnects.</summary>
    public async Task<string> SetNickAsync(string nick, CancellationToken cancellationToken = default)
    {
        string held = await Current.SetNickAsync(nick, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _nick, held);
        return held;
    }

    /// <inheritdoc cref="ParleyConnection.SayAsync(string, string, bool, CancellationToken)"/>
    public Task<Sent> SayAsync(string room, string text, bool action = false, CancellationToken cancellationToken = default) =>
        Current.SayAsync(room, text, action, cancellationToken);

    /// <summary>
    /// Sends a room message and waits for the server's acknowledgement across reconnects: if the
    /// connection drops before the acknowledgement, the same message (same client message id) is sent
    /// again once the session has reconnected and rejoined, and the server stores it once. Ends when
    /// acknowledged, refused (<see cref="ParleyRequestException"/>), the session stops, or
    /// <paramref name="cancellationToken"/> fires; callers bound the wait with that token.
    /// </summary>
    public async Task<Sent> SayReliablyAsync(string room, string text, bool action = false, CancellationToken cancellationToken = default)
    {
        string clientMsgId = NewClientMsgId();
        while (true)
        {
            ParleyConnection connection = await WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await connection.SayAsync(room, text, action, clientMsgId, cancellationToken).ConfigureAwait(false);
            }
            catch (ParleyConnectionException) when (!cancellationToken.IsCancellationRequested)
            {
                // The connection went before the acknowledgement: the message may or may not be stored. Same id again.
            }
            catch (ParleyTimeoutException) when (!cancellationToken.IsCancellationRequested)
            {
                // No acknowledgement in time: asking again with the same id is safe.
            }
        }
    }

    /// <summary>Waits until the session is connected and has rejoined its rooms; returns that connection.</summary>
    public async Task<ParleyConnection> WaitUntilReadyAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task<ParleyConnection> ready;
            lock (_lock)
            {
                ready = _ready.Task;
            }

            ParleyConnection connection = await ready.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (connection.IsOpen)
            {
                return connection;
            }

            // Closed, and the session has not yet put up the next waiter: let it run.
            await Task.Yield();
        }
    }

    /// <summary>A client message id unique to this session: a random prefix and a counter.</summary>
    private string NewClientMsgId() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{_msgIdPrefix}-{Interlocked.Increment(ref _lastMsgId)}");

    /// <inheritdoc cref="ParleyConnection.WhisperAsync"/>
    public Task<Sent> WhisperAsync(string to, string text, bool action = false, CancellationToken cancellationToken = default) =>
        Current.WhisperAsync(to, text, action, cancellationToken);

    /// <inheritdoc cref="ParleyConnection.SetTopicAsync"/>
    public Task SetTopicAsync(string room, string topic, CancellationToken cancellationToken = default) =>
        Current.SetTopicAsync(room, topic, cancellationToken);

    /// <inheritdoc cref="ParleyConnection.NamesAsync"/>
    public Task<Members> NamesAsync(string room, CancellationToken cancellationToken = default) =>
        Current.NamesAsync(room, cancellationToken);

    /// <inheritdoc cref="ParleyConnection.ListRoomsAsync"/>
    public Task<RoomList> ListRoomsAsync(CancellationToken cancellationToken = default) =>
        Current.ListRoomsAsync(cancellationToken);

    /// <summary>
    /// Changes the account's password. The server revokes every resume token of the account, so the
    /// session forgets its own and reconnects with the new password (asking for a new token if it did before).
    /// </summary>
    public async Task ChangePasswordAsync(string oldPassword, string newPassword, CancellationToken cancellationToken = default)
    {
        await Current.ChangePasswordAsync(oldPassword, newPassword, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _password, newPassword);
        ForgetResumeToken();
    }

    /// <inheritdoc cref="ParleyConnection.RevokeResumeTokenAsync"/>
    public Task RevokeResumeTokenAsync(string? token = null, CancellationToken cancellationToken = default) =>
        Current.RevokeResumeTokenAsync(token, cancellationToken);

    /// <inheritdoc cref="ParleyConnection.PingAsync"/>
    public Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default) => Current.PingAsync(cancellationToken);
}
