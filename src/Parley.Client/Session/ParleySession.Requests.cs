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

    /// <inheritdoc cref="ParleyConnection.SayAsync"/>
    public Task<Sent> SayAsync(string room, string text, bool action = false, CancellationToken cancellationToken = default) =>
        Current.SayAsync(room, text, action, cancellationToken);

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

    /// <inheritdoc cref="ParleyConnection.PingAsync"/>
    public Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default) => Current.PingAsync(cancellationToken);
}
