using Parley.Protocol.Messages;

namespace Parley.Tui.Model;

/// <summary>
/// The network side of the chat screen, as the view-model needs it: a <c>ParleySession</c> in the app, a fake in
/// tests. Methods may be called on the UI thread and must not block it; their tasks complete on any thread (the
/// model marshals results back through its <see cref="IUiDispatcher"/>).
/// </summary>
public partial interface IChatBackend
{
    /// <summary>Requests can be made now (handshaken; rooms may still be rejoining).</summary>
    bool IsConnected { get; }

    Task<Joined> JoinAsync(string room);

    Task PartAsync(string room, string reason);

    Task<RoomList> ListRoomsAsync();

    Task<Members> NamesAsync(string room);

    /// <summary>Says <paramref name="text"/> in a room; waits out rate limiting as the server asks.</summary>
    Task<Sent> SayAsync(string room, string text, bool action);

    /// <summary>Sends a direct message; waits out rate limiting as the server asks.</summary>
    Task<Sent> WhisperAsync(string nick, string text, bool action);

    Task<string> SetNickAsync(string nick);

    Task SetTopicAsync(string room, string topic);

    /// <summary>Leaves: says goodbye with <paramref name="message"/> and closes the screen.</summary>
    void Quit(string? message);
}

/// <summary>Runs work on the UI thread (Terminal.Gui's main loop in the app; inline in tests).</summary>
public interface IUiDispatcher
{
    void Post(Action action);
}
