using System.Text;
using Parley.Protocol;
using Parley.Protocol.Messages;
using Parley.Server.Moderation;
using Parley.Server.Storage;

namespace Parley.Server.Chat;

internal sealed partial class Session
{
    private void OnHello(uint id, Hello hello)
    {
        if (hello.ProtocolVersion != ProtocolConstants.Version)
        {
            ProtocolViolationException.Throw(ErrorCode.UnsupportedVersion,
                $"this server speaks protocol version {ProtocolConstants.Version}, not {hello.ProtocolVersion}");
        }

        // After the login has set the account (issue 4, "Accounts"), before a nickname is taken.
        if (RefuseIfServerBanned())
        {
            return;
        }

        string display, key;
        if (hello.Nick.Length == 0)
        {
            (display, key) = ClaimGuestNick();
        }
        else
        {
            if (!ContentRules.TryValidateNick(hello.Nick, out display, out key, out string error))
            {
                // The handshake may be retried with another name before the handshake deadline.
                Reply(id, ErrorCode.InvalidName, error);
                return;
            }

            if (!_context.Hub.TryClaimNick(key, this))
            {
                Reply(id, ErrorCode.NickInUse, $"the nickname {display} is in use");
                return;
            }
        }

        NickKey = key;
        _nick = display;
        IsReady = true;
        Log.HandshakeDone(_context.Logger, Connection.Id, display, ContentRules.NeutralizeText(hello.ClientName));
        ServerOptions o = _context.Options;
        Reply(id, FrameType.Welcome, new Welcome
        {
            ProtocolVersion = ProtocolConstants.Version,
            ServerName = o.ServerName,
            Motd = o.Motd,
            Nick = display,
            ConnectionId = Connection.Id,
            Unread = { UnreadFor(key) },
            Limits = new ServerLimits
            {
                MaxFramePayload = (uint)o.MaxFramePayload,
                MaxTextBytes = ProtocolConstants.MaxTextBytes,
                MaxNickLength = ProtocolConstants.MaxNickLength,
                MaxRoomNameLength = ProtocolConstants.MaxRoomNameLength,
                MaxTopicBytes = ProtocolConstants.MaxTopicBytes,
                SendQueueSoftBytes = (ulong)o.SendQueueSoftBytes,
                SendQueueHardBytes = (ulong)o.SendQueueHardBytes,
                PingIntervalMs = (uint)o.PingInterval.TotalMilliseconds,
                IdleTimeoutMs = (uint)o.IdleTimeout.TotalMilliseconds,
                MaxRoomsPerSession = (uint)o.MaxRoomsPerSession,
            },
        });
    }

    private IEnumerable<Protocol.Messages.UnreadConversation> UnreadFor(string key) =>
        _context.Store.UnreadDirectConversations(key).Select(u => new Protocol.Messages.UnreadConversation
        {
            Peer = u.Conversation[1..].Split(',').FirstOrDefault(k => k != key) ?? key,
            LastSeq = u.LastSeq, ReadSeq = u.ReadMarker, UnreadCount = (uint)u.Unread,
        });

    private (string Display, string Key) ClaimGuestNick()
    {
        while (true)
        {
            string display = $"guest{Random.Shared.Next(10_000, 1_000_000)}";
            string key = ContentRules.Key(display);
            if (_context.Hub.TryClaimNick(key, this))
            {
                return (display, key);
            }
        }
    }

    private void OnPing(uint id, Ping ping) =>
        Connection.SendControl(FrameWriter.Encode(FrameType.Pong, id, new Pong { Nonce = ping.Nonce }));

    private void OnSetNick(uint id, SetNick request)
    {
        if (!ContentRules.TryValidateNick(request.Nick, out string display, out string key, out string error))
        {
            Reply(id, ErrorCode.InvalidName, error);
            return;
        }

        string old = _nick!;
        if (key != NickKey)
        {
            if (!_context.Hub.TryClaimNick(key, this))
            {
                Reply(id, ErrorCode.NickInUse, $"the nickname {display} is in use");
                return;
            }

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
        // must find the room in it to take it out again (Session.ForgetRoom).
        lock (_roomsGate)
        {
            if (_rooms.Count >= _context.Options.MaxRoomsPerSession)
            {
                Reply(id, ErrorCode.TooManyRooms, $"at most {_context.Options.MaxRoomsPerSession} rooms per connection");
                return;
            }

            if (_context.Hub.Join(name, key, this, id) is { } room)
            {
                _rooms.Add(room);
            }
        }
    }

    private void OnPart(uint id, Part request)
    {
        if (RequireMembership(id, request.Room) is not { } room)
        {
            return;
        }

        string reason = ContentRules.NeutralizeText(Truncate(request.Reason, ProtocolConstants.MaxReasonBytes));
        ForgetRoom(room);
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
        var record = new MessageToStore(room.Key, NickKey!, _nick!, string.Empty, ContentRules.NeutralizeText(say.Text), say.Action,
            say.ClientMsgId, _context.Hub.NextMessageId(), _context.Time.GetUtcNow().ToUnixTimeMilliseconds());
        Interlocked.Increment(ref _pendingCommits);
        _context.Committer.Enqueue(new PendingRoomMessage(this, id, record, _context.Hub));
    }

    private void OnWhisper(uint id, Whisper whisper)
    {
        // Only to someone online: until accounts exist a nickname is not an identity, so a message
        // kept for an absent nickname would go to whoever takes that name next.
        if (!ContentRules.TryValidateNick(whisper.To, out string to, out string key, out _)
            || _context.Hub.FindByNick(key) is not { } target)
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
        var record = new MessageToStore(IChatStore.DirectConversation(NickKey!, key), NickKey!, _nick!, target.Nick ?? to,
            ContentRules.NeutralizeText(whisper.Text), whisper.Action, whisper.ClientMsgId,
            _context.Hub.NextMessageId(), _context.Time.GetUtcNow().ToUnixTimeMilliseconds());
        Interlocked.Increment(ref _pendingCommits);
        _context.Committer.Enqueue(new PendingDirectMessage(this, id, record, target));
    }

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

        _context.Hub.SetTopic(room, ContentRules.NeutralizeText(request.Topic), this, id);
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
        lock (_roomsGate)
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
