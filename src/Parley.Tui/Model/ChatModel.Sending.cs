using Parley.Client;
using Parley.Protocol.Messages;

namespace Parley.Tui.Model;

// Sending lines, and the lines typed while disconnected that wait for the reconnect.
public sealed partial class ChatModel
{
    private readonly List<Outgoing> _outbox = [];

    /// <summary>Lines waiting for a connection, oldest first.</summary>
    public int PendingCount => _outbox.Count;

    /// <summary>Sends <paramref name="text"/> to the conversation <paramref name="buffer"/> holds.</summary>
    private void Send(ChatBuffer buffer, string text, bool action)
    {
        switch (buffer.Kind)
        {
            case BufferKind.Server:
                Error(buffer, "this is the server buffer: /join #room or /query nick first");
                return;
            case BufferKind.Room when !buffer.Joined:
                Error(buffer, $"you are not in {buffer.Name}: /join {buffer.Name}");
                return;
        }

        if (!_backend.IsConnected || buffer.AwaitingRejoin)
        {
            // Shown now, marked pending, sent once reconnected (and rejoined, for a room).
            var line = new ChatLine(Now, action ? LineKind.Action : LineKind.Message, Nick, text, own: true) { State = SendState.Pending };
            Add(buffer, line);
            _outbox.Add(new Outgoing(buffer, text, action, line));
            return;
        }

        Transmit(new Outgoing(buffer, text, action, null));
    }

    private void Transmit(Outgoing o)
    {
        Task<Sent> sending = o.Buffer.Kind == BufferKind.Room
            ? _backend.SayAsync(o.Buffer.Target, o.Text, o.Action)
            : _backend.WhisperAsync(o.Buffer.Target, o.Text, o.Action);
        Then(
            sending,
            _ =>
            {
                // The server delivers it back to us: that copy is the one the log keeps.
                if (o.Line is not null)
                {
                    o.Buffer.Remove(o.Line);
                }
            },
            ex =>
            {
                if (o.Line is not null)
                {
                    o.Line.Fail(Words.Of(ex));
                }
                else
                {
                    var failed = new ChatLine(Now, o.Action ? LineKind.Action : LineKind.Message, Nick, o.Text, own: true);
                    failed.Fail(Words.Of(ex));
                    Add(o.Buffer, failed);
                }

                if (ex is ParleyRequestException { Code: ErrorCode.NoSuchUser } && o.Buffer.Kind == BufferKind.Direct)
                {
                    Error(o.Buffer, $"{o.Buffer.Name} is not online");
                }
            });
    }

    /// <summary>Sends the waiting lines of the buffers <paramref name="which"/> picks, in the order they were typed.</summary>
    private void FlushOutbox(Func<ChatBuffer, bool> which)
    {
        List<Outgoing> ready = [.. _outbox.Where(o => which(o.Buffer))];
        foreach (Outgoing o in ready)
        {
            _outbox.Remove(o);
            Transmit(o);
        }
    }

    private void FailOutbox(Func<ChatBuffer, bool> which, string reason)
    {
        List<Outgoing> dead = [.. _outbox.Where(o => which(o.Buffer))];
        foreach (Outgoing o in dead)
        {
            _outbox.Remove(o);
            o.Line?.Fail(reason);
        }
    }

    private sealed record Outgoing(ChatBuffer Buffer, string Text, bool Action, ChatLine? Line);
}
