using Parley.Protocol;
using Parley.Protocol.Messages;

namespace Parley.Client;

/// <summary>What a session knows about a room it is in.</summary>
/// <param name="Name">The room's name as the server spells it.</param>
/// <param name="Topic">The topic as last heard; empty when none.</param>
/// <param name="LastSeq">The highest sequence number seen in the room (from the join or a message).</param>
public sealed record RoomSnapshot(string Name, string Topic, ulong LastSeq);

public sealed partial class ParleySession
{
    /// <summary>Messages per history page when replaying a gap: small enough to stay far below the frame limit.</summary>
    private const uint HistoryPageSize = 200;

    // In join order, which is the order they are rejoined in. Guarded by _lock.
    private readonly List<RoomSnapshot> _rooms = [];

    /// <summary>The rooms this session is in (and rejoins after a reconnect), in join order.</summary>
    public IReadOnlyList<RoomSnapshot> Rooms
    {
        get
        {
            lock (_lock)
            {
                return [.. _rooms];
            }
        }
    }

    /// <summary>Finds a room this session is in, comparing names as the server does.</summary>
    public bool TryGetRoom(string room, out RoomSnapshot snapshot)
    {
        lock (_lock)
        {
            int i = IndexOf(room);
            snapshot = i >= 0 ? _rooms[i] : null!;
            return i >= 0;
        }
    }

    private int IndexOf(string room)
    {
        string key = ContentRules.Key(room);
        return _rooms.FindIndex(r => ContentRules.Key(r.Name) == key);
    }

    private void Remember(Joined joined, string asked)
    {
        var snapshot = new RoomSnapshot(joined.Room.Length > 0 ? joined.Room : asked, joined.Topic, joined.LastSeq);
        lock (_lock)
        {
            int i = IndexOf(snapshot.Name);
            if (i >= 0)
            {
                _rooms[i] = snapshot;
            }
            else
            {
                _rooms.Add(snapshot);
            }
        }
    }

    private void Forget(string room)
    {
        lock (_lock)
        {
            int i = IndexOf(room);
            if (i >= 0)
            {
                _rooms.RemoveAt(i);
            }
        }
    }

    private void Update(string room, Func<RoomSnapshot, RoomSnapshot> change)
    {
        lock (_lock)
        {
            int i = IndexOf(room);
            if (i >= 0)
            {
                _rooms[i] = change(_rooms[i]);
            }
        }
    }

    /// <summary>
    /// Keeps room state current from the event stream (runs on the pump, before the event is emitted).
    /// Returns false for a room message already passed on (replayed from history), which is dropped.
    /// </summary>
    private bool Track(ParleyEvent e)
    {
        switch (e)
        {
            case RoomMessageEvent { Message: var m } when m.Seq > 0:
                bool fresh = true;
                Update(m.Room, r =>
                {
                    fresh = m.Seq > r.LastSeq;
                    return fresh ? r with { LastSeq = m.Seq } : r;
                });
                return fresh;
            case TopicChangedEvent { Change: var t }:
                Update(t.Room, r => r with { Topic = t.Topic });
                break;
            case PresenceEvent { Presence: { Kind: PresenceKind.Nick } p } when SameNick(p.Nick, Nick):
                Volatile.Write(ref _nick, p.NewNick);
                break;
            case PresenceEvent { Presence: { Kind: PresenceKind.Kicked } p } when SameNick(p.Nick, Nick):
                // Kicked (or banned) out by an operator's hand: rejoining it by ourselves after a reconnect would undo it.
                Forget(p.Room);
                break;
        }

        return true;
    }

    /// <summary>
    /// Emits the room's messages with sequence numbers in (<paramref name="after"/>, <paramref name="until"/>]
    /// from its history, page by page: each page is asked for only once the previous one is out, so a long
    /// absence never floods the connection. Messages after <paramref name="until"/> arrive live.
    /// </summary>
    private async Task ReplayAsync(ParleyConnection connection, string room, ulong after, ulong until, CancellationToken stop)
    {
        ulong seq = after;
        while (seq < until)
        {
            HistoryPage page;
            try
            {
                page = await connection.HistoryAsync(room, seq, forward: true, HistoryPageSize, stop).ConfigureAwait(false);
            }
            catch (ParleyRequestException ex)
            {
                // A server that keeps no history: the gap stays, as RejoinedEvent.Missed reported.
                ClientLog.ReplayFailed(_logger, room, ex.Code);
                return;
            }

            ulong before = seq;
            foreach (Delivered message in page.Messages)
            {
                if (message.Seq <= seq || message.Seq > until)
                {
                    continue;
                }

                seq = message.Seq;
                Update(room, r => seq > r.LastSeq ? r with { LastSeq = seq } : r);
                Emit(new RoomMessageEvent(message, Replayed: true));
            }

            if (!page.HasMore || seq == before || page.Messages[^1].Seq >= until)
            {
                return;
            }
        }
    }

    private static bool SameNick(string a, string b) => a.Length > 0 && b.Length > 0 && ContentRules.Key(a) == ContentRules.Key(b);

    /// <summary>
    /// Joins one room again. A session in many rooms can use up the server's request allowance while
    /// rejoining them (docs/PROTOCOL.md "Flood control"): a RATE_LIMITED refusal is waited out as the
    /// server asks, not taken as losing the room.
    /// </summary>
    private async Task<Joined> RejoinOneAsync(ParleyConnection connection, string room, CancellationToken stop)
    {
        while (true)
        {
            try
            {
                return await connection.JoinAsync(room, stop).ConfigureAwait(false);
            }
            catch (ParleyRequestException ex) when (ex.Code == ErrorCode.RateLimited)
            {
                await Task.Delay(ex.RetryAfter ?? TimeSpan.FromSeconds(1), _time, stop).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Sets the away state again, rejoins every room and replays its gap; false when the connection went before that was done.</summary>
    private async Task<bool> RejoinAsync(ParleyConnection connection, CancellationToken stop)
    {
        // Away first, so that each room learns it with the join (JOINED, then AWAY) and not as a second event later.
        if (!await RestoreAwayAsync(connection, stop).ConfigureAwait(false))
        {
            return false;
        }

        foreach (RoomSnapshot room in Rooms)
        {
            try
            {
                Joined joined = await RejoinOneAsync(connection, room.Name, stop).ConfigureAwait(false);
                ulong missed = joined.LastSeq > room.LastSeq ? joined.LastSeq - room.LastSeq : 0;
                Remember(joined, room.Name);
                Emit(new RejoinedEvent(joined, missed));
                if (missed > 0)
                {
                    // Until the replay has emitted them, the missed messages are not seen: if this
                    // connection dies mid-replay, the next rejoin must start again from here, not from
                    // the join's last_seq (found by the SIGKILL test: a gap after a kill during a replay).
                    Update(joined.Room.Length > 0 ? joined.Room : room.Name, r => r with { LastSeq = room.LastSeq });
                    await ReplayAsync(connection, joined.Room.Length > 0 ? joined.Room : room.Name, room.LastSeq, joined.LastSeq, stop)
                        .ConfigureAwait(false);
                }
            }
            catch (ParleyRequestException ex)
            {
                ClientLog.RejoinFailed(_logger, room.Name, ex.Code);
                Forget(room.Name);
                Emit(new RejoinFailedEvent(room.Name, ex));
            }
            catch (Exception ex) when (ex is ParleyException or OperationCanceledException)
            {
                // The new connection is gone already (or we are quitting); the run loop takes it from here.
                return false;
            }
        }

        return !_options.JoinRememberedRooms || await JoinRememberedAsync(connection, stop).ConfigureAwait(false);
    }

    /// <summary>Joins the account's rooms that the server remembers and this session is not in; false when the connection went first.</summary>
    private async Task<bool> JoinRememberedAsync(ParleyConnection connection, CancellationToken stop)
    {
        foreach (string room in connection.Welcome.Rooms)
        {
            if (TryGetRoom(room, out _))
            {
                continue;
            }

            try
            {
                Joined joined = await RejoinOneAsync(connection, room, stop).ConfigureAwait(false);
                Remember(joined, room);
                Emit(new RoomRestoredEvent(joined));
            }
            catch (ParleyRequestException ex)
            {
                // Banned from it, or it became invite-only, while the account was away: the server forgets it too.
                ClientLog.RejoinFailed(_logger, room, ex.Code);
                Emit(new RejoinFailedEvent(room, ex));
            }
            catch (Exception ex) when (ex is ParleyException or OperationCanceledException)
            {
                return false;
            }
        }

        return true;
    }
}
