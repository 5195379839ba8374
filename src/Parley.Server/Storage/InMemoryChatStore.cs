namespace Parley.Server.Storage;

/// <summary>
/// A store that keeps everything in memory and loses it on exit: for fast tests of the server's
/// logic and for throwaway servers. <c>parley serve</c> uses the SQLite store.
/// </summary>
public sealed class InMemoryChatStore : IChatStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<StoredMessage>> _messages = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ulong> _lastSeq = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string, string), StoredMessage> _byClientId = [];
    private readonly Dictionary<string, RoomRecord> _rooms = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), ulong> _markers = [];

    /// <summary>When set, every append and room record write fails as a full disk would (for tests).</summary>
    public bool FailWrites { get; set; }

    public void Open()
    {
    }

    public IReadOnlyList<StoredMessage> AppendBatch(IReadOnlyList<MessageToStore> batch)
    {
        if (FailWrites)
        {
            throw new StoreUnavailableException("database or disk is full");
        }

        lock (_gate)
        {
            var results = new StoredMessage[batch.Count];
            for (int i = 0; i < batch.Count; i++)
            {
                MessageToStore m = batch[i];
                var dedupKey = (m.Conversation, m.SenderKey, m.ClientMsgId);
                if (m.ClientMsgId.Length > 0 && _byClientId.TryGetValue(dedupKey, out StoredMessage? original))
                {
                    results[i] = original with { Duplicate = true };
                    continue;
                }

                ulong seq = _lastSeq.GetValueOrDefault(m.Conversation) + 1;
                _lastSeq[m.Conversation] = seq;
                var stored = new StoredMessage(m.Conversation, seq, m.MessageId, m.TimestampMs, m.SenderKey, m.SenderNick, m.Recipient, m.Text, m.Action, m.ClientMsgId);
                if (!_messages.TryGetValue(m.Conversation, out List<StoredMessage>? list))
                {
                    _messages[m.Conversation] = list = [];
                }

                list.Add(stored);
                if (m.ClientMsgId.Length > 0)
                {
                    _byClientId[dedupKey] = stored;
                }

                results[i] = stored;
            }

            return results;
        }
    }

    public ulong LastSeq(string conversation)
    {
        lock (_gate)
        {
            return _lastSeq.GetValueOrDefault(conversation);
        }
    }

    public IReadOnlyList<StoredMessage> Read(string conversation, ulong seq, int limit, bool forward)
    {
        lock (_gate)
        {
            if (!_messages.TryGetValue(conversation, out List<StoredMessage>? list))
            {
                return [];
            }

            return forward
                ? [.. list.Where(m => m.Seq > seq).Take(limit)]
                : [.. list.Where(m => m.Seq < seq).TakeLast(limit)];
        }
    }

    public void SaveRoom(RoomRecord room)
    {
        if (FailWrites)
        {
            throw new StoreUnavailableException("database or disk is full");
        }

        lock (_gate)
        {
            _rooms[room.Key] = room;
        }
    }

    public IReadOnlyList<RoomRecord> LoadRooms()
    {
        lock (_gate)
        {
            return [.. _rooms.Values];
        }
    }

    public bool SetReadMarker(string userKey, string conversation, ulong seq)
    {
        lock (_gate)
        {
            var key = (userKey, conversation);
            if (_markers.TryGetValue(key, out ulong old) && old >= seq)
            {
                return false;
            }

            _markers[key] = seq;
            return true;
        }
    }

    public ulong GetReadMarker(string userKey, string conversation)
    {
        lock (_gate)
        {
            return _markers.GetValueOrDefault((userKey, conversation));
        }
    }

    public IReadOnlyList<UnreadConversation> UnreadDirectConversations(string userKey)
    {
        lock (_gate)
        {
            var unread = new List<UnreadConversation>();
            foreach ((string conversation, List<StoredMessage> list) in _messages)
            {
                if (!conversation.StartsWith('@') || !conversation[1..].Split(',').Contains(userKey))
                {
                    continue;
                }

                ulong marker = _markers.GetValueOrDefault((userKey, conversation));
                int count = list.Count(m => m.Seq > marker && m.SenderKey != userKey);
                if (count > 0)
                {
                    unread.Add(new UnreadConversation(conversation, _lastSeq[conversation], marker, count));
                }
            }

            return unread;
        }
    }

    public int ApplyRetention(string conversation, TimeSpan? maxAge, int? maxCount, long nowMs)
    {
        lock (_gate)
        {
            if (!_messages.TryGetValue(conversation, out List<StoredMessage>? list))
            {
                return 0;
            }

            var removed = new List<StoredMessage>();
            if (maxAge is { } age)
            {
                long cutoff = nowMs - (long)age.TotalMilliseconds;
                removed.AddRange(list.Where(m => m.TimestampMs < cutoff));
                list.RemoveAll(m => m.TimestampMs < cutoff);
            }

            if (maxCount is { } count && list.Count > count)
            {
                removed.AddRange(list.Take(list.Count - count));
                list.RemoveRange(0, list.Count - count);
            }

            // As in SQLite: a retried send is recognised only while its original is kept.
            foreach (StoredMessage m in removed)
            {
                _byClientId.Remove((m.Conversation, m.SenderKey, m.ClientMsgId));
            }

            return removed.Count;
        }
    }

    public IEnumerable<StoredMessage> ReadAll(string conversation) => Read(conversation, 0, int.MaxValue, forward: true);

    public string IntegrityCheck() => "ok";

    public void Dispose()
    {
    }
}
