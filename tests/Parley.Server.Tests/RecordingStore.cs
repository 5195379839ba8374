using System.Collections.Concurrent;
using Parley.Server.Storage;

namespace Parley.Server.Tests;

/// <summary>
/// An <see cref="InMemoryChatStore"/> that records each retention call (and whether the write gate
/// was held around it), and can be told to fail the next ones.
/// </summary>
internal sealed class RecordingStore(Lock writeGate) : IChatStore
{
    private readonly InMemoryChatStore _inner = new();
    private int _failuresLeft;
    private Exception? _failure;

    public ConcurrentQueue<(string Conversation, int Removed, bool GateHeld)> RetentionCalls { get; } = new();

    /// <summary>The next <paramref name="count"/> retention calls throw <paramref name="failure"/>.</summary>
    public void FailNext(int count, Exception failure)
    {
        _failure = failure;
        Volatile.Write(ref _failuresLeft, count);
    }

    /// <summary>Stores the texts in the conversation (a room, saved if new) with the given timestamps.</summary>
    public void Add(string room, params (string Text, DateTimeOffset At)[] messages)
    {
        SaveRoom(new RoomRecord(room, room, "", "", 0));
        _inner.AppendBatch([.. messages.Select(m => new MessageToStore(room, "alice", "alice", "", m.Text, false, "", 0, m.At.ToUnixTimeMilliseconds()))]);
    }

    public List<string> Texts(string room) => [.. _inner.Read(room, 0, int.MaxValue, forward: true).Select(m => m.Text)];

    public int ApplyRetention(string conversation, TimeSpan? maxAge, int? maxCount, long nowMs)
    {
        bool held = writeGate.IsHeldByCurrentThread;
        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            throw _failure!;
        }

        int removed = _inner.ApplyRetention(conversation, maxAge, maxCount, nowMs);
        RetentionCalls.Enqueue((conversation, removed, held));
        return removed;
    }

    public void Open() => _inner.Open();

    public IReadOnlyList<StoredMessage> AppendBatch(IReadOnlyList<MessageToStore> batch) => _inner.AppendBatch(batch);

    public ulong LastSeq(string conversation) => _inner.LastSeq(conversation);

    public IReadOnlyList<StoredMessage> Read(string conversation, ulong seq, int limit, bool forward) => _inner.Read(conversation, seq, limit, forward);

    public void SaveRoom(RoomRecord room) => _inner.SaveRoom(room);

    public IReadOnlyList<RoomRecord> LoadRooms() => _inner.LoadRooms();

    public bool SetReadMarker(string userKey, string conversation, ulong seq) => _inner.SetReadMarker(userKey, conversation, seq);

    public ulong GetReadMarker(string userKey, string conversation) => _inner.GetReadMarker(userKey, conversation);

    public IReadOnlyList<UnreadConversation> UnreadDirectConversations(string userKey) => _inner.UnreadDirectConversations(userKey);

    public IEnumerable<StoredMessage> ReadAll(string conversation) => _inner.ReadAll(conversation);

    public string IntegrityCheck() => _inner.IntegrityCheck();

    public void Dispose() => _inner.Dispose();
}
