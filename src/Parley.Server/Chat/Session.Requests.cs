using System.Text;
using Parley.Protocol;
using Parley.Protocol.Messages;
using Parley.Server.Moderation;
using Parley.Server.Storage;

namespace Parley.Server.Chat;

internal sealed partial class Session
{
    private void OnPing(uint id, Ping ping) =>
        Connection.SendControl(FrameWriter.Encode(FrameType.Pong, id, new Pong { Nonce = ping.Nonce }));

    private void OnSetNick(uint id, SetNick request)
    {
        if (!ValidateNick(id, request.Nick, _account?.Key, out string display, out string key))
        {
            return;
        }

        string old = _nick!;
        // Claimed even for the same key: a new spelling ("alice" to "ALICE") has a skeleton of its own.
        if (!ClaimNick(id, display, key))
        {
            return;
        }

        if (key != NickKey)
        {
            _context.Hub.ReleaseNick(NickKey!, this);
            NickKey = key;
        }

        _nick = display;
        Reply(id, FrameType.Ok, new Ok { Nick = display });
        if (old != display)
        {
            foreach (Room room in Rooms)
            {
                room.Announce(new Presence { Kind = PresenceKind.Nick, Room = room.Name, Nick = old, NewNick = display });
            }
        }
    }

    private void OnJoin(uint id, Join request)
    {
        if (!ContentRules.TryValidateRoom(request.Room, out string name, out string key, out string error))
        {
            Reply(id, ErrorCode.InvalidName, error);
            return;
        }

        if (FindMembership(key) is not null)
        {
            Reply(id, ErrorCode.AlreadyInRoom, $"already in {name}");
            return;
        }

        // The list is locked across the join: a kick from another session's read loop right after the join
        // must find the room in it to take it out again (Session.ForgetRoom). The account's membership is
        // written after, outside the lock (a store write, and a look at the account's other sessions).
        JoinOutcome outcome;
        Room? room;
        lock (_rooms)
        {
            if (_rooms.Count >= _context.Options.MaxRoomsPerSession)
            {
                Reply(id, ErrorCode.TooManyRooms, $"at most {_context.Options.MaxRoomsPerSession} rooms per connection");
                return;
            }

            // Read before the room's lock is taken: the marker needs no ordering with the room's events.
            ulong readSeq = _context.Store.GetReadMarker(Identity!, key);
            string? lookalike;
            try
            {
                outcome = _context.Hub.Join(name, key, this, id, readSeq, out room, out lookalike);
            }
            catch (StoreUnavailableException ex)
            {
                // A new room's record could not be written: the room was not made.
                Reply(id, ErrorCode.StoreUnavailable, $"{name} could not be created: {ex.Message}");
                return;
            }

            switch (outcome)
            {
                case JoinOutcome.Joined:
                    _rooms.Add(room!);
                    break;
                case JoinOutcome.Refused:
                    // The ban or invite-only error has been sent.
                    break;
                case JoinOutcome.Full:
                    Reply(id, ErrorCode.RoomFull, $"{name} is full: at most {_context.Options.MaxMembersPerRoom} members");
                    break;
                default:
                    Log.ConfusableName(_context.Logger, Connection.Id, _nick ?? "-", name, lookalike ?? "-");
                    Reply(id, ErrorCode.InvalidName, $"the room name {name} is too much like {lookalike}, which exists; join that one or pick another name");
                    break;
            }
        }

        if (outcome == JoinOutcome.Joined)
        {
            RememberMembership(room!);
        }
        else if (outcome == JoinOutcome.Refused)
        {
            ForgetMembership(key, name);
        }
    }

    private void OnPart(uint id, Part request)
    {
        if (RequireMembership(id, request.Room) is not { } room)
        {
            return;
        }

        string reason = ReasonText(request.Reason);
        ForgetRoom(room);
        ForgetMembership(room);
        _context.Hub.Leave(room, this, new Presence { Kind = PresenceKind.Left, Room = room.Name, Nick = _nick, Message = reason }, notify: true);
        Reply(id, FrameType.Ok, new Ok());
    }

    private void OnSay(uint id, Say say)
    {
        if (RequireMembership(id, say.Room) is not { } room || !CheckText(id, say.Text, say.ClientMsgId))
        {
            return;
        }

        if (RefuseWhileShuttingDown(id) || RefuseWhileMuted(id, room))
        {
            return;
        }

        _context.Metrics.Messages.Add(1);
        Spoke();
        var record = new MessageToStore(room.Key, Identity!, _nick!, string.Empty, ContentRules.NeutralizeText(say.Text), say.Action,
            say.ClientMsgId, _context.Hub.NextMessageId(), _context.Time.GetUtcNow().ToUnixTimeMilliseconds());
        Interlocked.Increment(ref _pendingCommits);
        _context.Committer.Enqueue(new PendingRoomMessage(this, id, record, _context.Hub));
    }

    private void OnWhisper(uint id, Whisper whisper)
    {
        if (!ContentRules.TryValidateNick(whisper.To, out _, out string key, out _) || FindRecipient(key) is not { } recipient)
        {
            Reply(id, ErrorCode.NoSuchUser, $"no user {ContentRules.NeutralizeText(whisper.To)} is online");
            return;
        }

        if (!CheckText(id, whisper.Text, whisper.ClientMsgId))
        {
            return;
        }

        if (RefuseWhileShuttingDown(id))
        {
            return;
        }

        _context.Metrics.Messages.Add(1);
        Spoke();
        var record = new MessageToStore(IChatStore.DirectConversation(Identity!, recipient.User), Identity!, _nick!, recipient.Name,
            ContentRules.NeutralizeText(whisper.Text), whisper.Action, whisper.ClientMsgId,
            _context.Hub.NextMessageId(), _context.Time.GetUtcNow().ToUnixTimeMilliseconds());
        Interlocked.Increment(ref _pendingCommits);
        _context.Committer.Enqueue(new PendingDirectMessage(this, id, record, recipient.Sessions));
    }

    /// <summary>Where a direct message goes, and who its recipient is in the store.</summary>
    /// <param name="User">The recipient as a user of the conversation (<see cref="Identity"/>).</param>
    /// <param name="Name">As shown in <c>DirectDelivered.to</c>.</param>
    /// <param name="Sessions">Its sessions at delivery time (an account's may have come or gone meanwhile).</param>
    private sealed record Recipient(string User, string Name, Func<IEnumerable<Session>> Sessions);

    /// <summary>
    /// An account name reaches the account, online under any nickname or offline (the message waits in its
    /// Welcome.unread). Any other name reaches the session holding it, if one does: a guest's nickname is not
    /// an identity, so nothing is kept for an absent one (it would go to whoever takes the name next).
    /// </summary>
    private Recipient? FindRecipient(string key)
    {
        Hub hub = _context.Hub;
        if (Accounts.Store.FindAccount(key) is { } account)
        {
            return new Recipient(IChatStore.AccountUser(account.Key), account.Name, () => hub.SessionsOf(account.Key));
        }

        if (hub.FindByNick(key) is not { } target)
        {
            return null;
        }

        return target.Account is { } online
            ? new Recipient(IChatStore.AccountUser(online.Key), target.Nick ?? online.Name, () => hub.SessionsOf(online.Key))
            : new Recipient(key, target.Nick ?? key, () => [target]);
    }

    /// <summary>The sessions that see this session's own direct messages: every session of its account, or just this one.</summary>
    internal IEnumerable<Session> OwnSessions => _account is { } account ? _context.Hub.SessionsOf(account.Key) : [this];

    private void OnSetTopic(uint id, SetTopic request)
    {
        if (RequireMembership(id, request.Room) is not { } room)
        {
            return;
        }

        if (Encoding.UTF8.GetByteCount(request.Topic) > ProtocolConstants.MaxTopicBytes)
        {
            Reply(id, ErrorCode.TextTooLong, $"a topic is at most {ProtocolConstants.MaxTopicBytes} bytes");
            return;
        }

        if (room.Rules.Settings.TopicLocked && RankIn(room.Rules) < Rank.Operator)
        {
            Reply(id, ErrorCode.NotAuthorized, $"the topic of {room.Name} is locked: only its operators may set it");
            return;
        }

        try
        {
            // Cut after neutralising, as reasons are: the topic others see stays within the announced limit.
            _context.Hub.SetTopic(room, Truncate(ContentRules.NeutralizeText(request.Topic), ProtocolConstants.MaxTopicBytes), this, id);
        }
        catch (StoreUnavailableException ex)
        {
            // Stored first, applied after: nothing changed.
            Reply(id, ErrorCode.StoreUnavailable, $"the topic was not stored, so not set: {ex.Message}");
        }
    }

    private void OnNames(uint id, Names request)
    {
        if (!ContentRules.TryValidateRoom(request.Room, out string name, out string key, out string error))
        {
            Reply(id, ErrorCode.InvalidName, error);
            return;
        }

        if (_context.Hub.FindRoom(key) is not { } room)
        {
            Reply(id, ErrorCode.NoSuchRoom, $"no room {name}");
            return;
        }

        Reply(id, FrameType.Members, room.Describe());
    }

    private void OnListRooms(uint id)
    {
        var reply = new RoomList { RoomCount = (uint)_context.Hub.RoomCount };
        int budget = _context.Options.MaxFramePayload - 1024;
        foreach (Room room in _context.Hub.Rooms.OrderByDescending(r => r.Members.Length).ThenBy(r => r.Key, StringComparer.Ordinal))
        {
            var info = new RoomInfo { Name = room.Name, MemberCount = (uint)room.Members.Length, Topic = room.Topic };
            budget -= info.CalculateSize() + 4;
            if (budget < 0)
            {
                break;
            }

            reply.Rooms.Add(info);
        }

        Reply(id, FrameType.RoomList, reply);
    }

    private bool RefuseWhileShuttingDown(uint id)
    {
        if (!_context.Connections.IsShuttingDown)
        {
            return false;
        }

        Reply(id, ErrorCode.ServerShuttingDown, "the server is shutting down; send it again after reconnecting");
        return true;
    }

    private bool CheckText(uint id, string text, string clientMsgId)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            Reply(id, ErrorCode.EmptyText, "the message is empty");
            return false;
        }

        if (Encoding.UTF8.GetByteCount(text) > ProtocolConstants.MaxTextBytes)
        {
            Reply(id, ErrorCode.TextTooLong, $"a message is at most {ProtocolConstants.MaxTextBytes} bytes");
            return false;
        }

        // Echoed to every member: printable ASCII only, so it can never carry anything a terminal acts on.
        if (clientMsgId.Length > ProtocolConstants.MaxClientMsgIdBytes || clientMsgId.AsSpan().ContainsAnyExceptInRange('!', '~'))
        {
            Reply(id, ErrorCode.InvalidRequest, $"client_msg_id is at most {ProtocolConstants.MaxClientMsgIdBytes} printable ASCII characters");
            return false;
        }

        return true;
    }

    private Room? RequireMembership(uint id, string roomName)
    {
        if (!ContentRules.TryValidateRoom(roomName, out string name, out string key, out string error))
        {
            Reply(id, ErrorCode.InvalidName, error);
            return null;
        }

        if (FindMembership(key) is not { } room)
        {
            Reply(id, ErrorCode.NotInRoom, $"not in {name}");
            return null;
        }

        return room;
    }

    private Room? FindMembership(string key)
    {
        lock (_rooms)
        {
            foreach (Room room in _rooms)
            {
                if (room.Key == key)
                {
                    return room;
                }
            }
        }

        return null;
    }
}
