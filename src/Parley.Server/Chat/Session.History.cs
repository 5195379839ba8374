using Parley.Protocol;
using Parley.Protocol.Messages;
using Parley.Server.Storage;

namespace Parley.Server.Chat;

/// <summary>The stored-history requests: History (the catch-up path) and MarkRead.</summary>
internal sealed partial class Session
{
    /// <summary>Most messages in one history page; the page also stops early to fit one frame.</summary>
    private const int MaxHistoryPage = 500;

    private void OnHistory(uint id, History request)
    {
        if (ResolveConversation(id, request.Conversation) is not { } conversation)
        {
            return;
        }

        int limit = (int)Math.Clamp(request.Limit == 0 ? 50 : request.Limit, 1, MaxHistoryPage);
        ulong from = request.Forward || request.Seq != 0 ? request.Seq : ulong.MaxValue;
        IReadOnlyList<StoredMessage> messages = _context.Store.Read(conversation, from, limit + 1, request.Forward);
        var page = new HistoryPage { Conversation = request.Conversation, LastSeq = _context.Store.LastSeq(conversation) };
        int budget = _context.Options.MaxFramePayload - 1024;
        bool direct = conversation.StartsWith('@');
        // Fill forward from the start when paging forward, backward from the end otherwise, so a
        // page cut to fit a frame never leaves a hole between pages.
        IEnumerable<StoredMessage> order = request.Forward ? messages.Take(limit) : messages.TakeLast(limit).Reverse();
        var taken = new List<StoredMessage>();
        foreach (StoredMessage m in order)
        {
            budget -= System.Text.Encoding.UTF8.GetByteCount(m.Text) + System.Text.Encoding.UTF8.GetByteCount(m.SenderNick) + 64;
            if (budget < 0)
            {
                break;
            }

            taken.Add(m);
        }

        page.HasMore = messages.Count > taken.Count;
        foreach (StoredMessage m in request.Forward ? taken : Enumerable.Reverse(taken))
        {
            if (direct)
            {
                page.DirectMessages.Add(WireMessages.ToDirectDelivered(m));
            }
            else
            {
                page.Messages.Add(WireMessages.ToDelivered(m, request.Conversation));
            }
        }

        Reply(id, FrameType.HistoryPage, page);
    }

    private void OnMarkRead(uint id, MarkRead request)
    {
        if (ResolveConversation(id, request.Conversation) is not { } conversation)
        {
            return;
        }

        ulong seq = Math.Min(request.Seq, _context.Store.LastSeq(conversation));
        bool moved;
        lock (_context.StoreWriteGate)
        {
            moved = _context.Store.SetReadMarker(Identity!, conversation, seq);
        }

        Reply(id, FrameType.Ok, new Ok());
        if (moved && AccountKey is { } account)
        {
            // The user's other connections (other devices) stop counting these messages as unread. A guest's
            // nickname is held by one connection only, so there is nobody else to tell.
            string name = conversation.StartsWith('#') ? _context.Hub.FindRoom(conversation)?.Name ?? request.Conversation : request.Conversation;
            byte[] frame = FrameWriter.Encode(FrameType.ReadMarkerChanged, 0, new ReadMarkerChanged { Conversation = name, Seq = seq });
            foreach (Session other in _context.Hub.SessionsOf(account))
            {
                if (other != this)
                {
                    other.Connection.Send(frame);
                }
            }
        }
    }

    /// <summary>A room name or a nickname (the DM conversation with it) to the store's conversation id.</summary>
    private string? ResolveConversation(uint id, string name)
    {
        if (name.StartsWith('#'))
        {
            if (ContentRules.TryValidateRoom(name, out _, out string roomKey, out string roomError))
            {
                return roomKey;
            }

            Reply(id, ErrorCode.InvalidName, roomError);
            return null;
        }

        if (ContentRules.TryValidateNick(name, out _, out string nickKey, out string error))
        {
            // The same user a Whisper to this name reaches: an account by its name or by a nickname it holds now.
            string peer = Accounts.IsRegistered(nickKey) ? IChatStore.AccountUser(nickKey) : _context.Hub.FindByNick(nickKey)?.Identity ?? nickKey;
            return IChatStore.DirectConversation(Identity!, peer);
        }

        Reply(id, ErrorCode.InvalidName, error);
        return null;
    }
}
