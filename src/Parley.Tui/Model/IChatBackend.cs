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

    /// <summary>Marks us away with <paramref name="message"/>, or back with null; kept across reconnects.</summary>
    Task SetAwayAsync(string? message);

    Task<WhoisInfo> WhoisAsync(string nick);

    /// <summary>The last <paramref name="count"/> messages of a room up to <paramref name="throughSeq"/>, oldest first (paged History).</summary>
    Task<IReadOnlyList<Delivered>> RoomBacklogAsync(string room, ulong throughSeq, int count);

    /// <summary>As <see cref="RoomBacklogAsync"/>, for the direct conversation with <paramref name="peer"/>.</summary>
    Task<IReadOnlyList<DirectDelivered>> DirectBacklogAsync(string peer, ulong throughSeq, int count);

    /// <summary>Tells the server the user has read <paramref name="conversation"/> (a room, or a nickname) up to <paramref name="seq"/>.</summary>
    Task MarkReadAsync(string conversation, ulong seq);

    /// <summary>Leaves: says goodbye with <paramref name="message"/> and closes the screen.</summary>
    void Quit(string? message);
}

/// <summary>Runs work on the UI thread (Terminal.Gui's main loop in the app; inline in tests).</summary>
public interface IUiDispatcher
{
    void Post(Action action);
}
