using Parley.Protocol;

namespace Parley.Server.Chat;

// Who holds which name. Two names are the same when their keys are equal (ContentRules.Key), and too
// much alike when their confusable skeletons are (ContentRules.Skeleton: "alice" and "аlice" with a
// Cyrillic а, "AIice" with a capital I): a name whose skeleton another session or room holds is refused.
internal sealed partial class Hub
{
    // Guards the skeleton maps and every change to _nicks, so a key and its skeleton are claimed as one.
    // Taken on handshakes, nickname changes and room creation only; lookups (FindByNick) don't take it.
    private readonly Lock _namesGate = new();
    private readonly Dictionary<string, Session> _nickSkeletons = new(StringComparer.Ordinal);
    private readonly Dictionary<Session, string> _skeletonOf = [];
    // Skeleton to room key, for every room the store knows (rooms are never forgotten, so neither are their names).
    private readonly Dictionary<string, string> _roomSkeletons = new(StringComparer.Ordinal);

    /// <summary>
    /// Claims the nickname <paramref name="display"/> (key <paramref name="key"/>) for
    /// <paramref name="session"/>, in place of the skeleton it held. On failure <paramref name="holder"/>
    /// names whoever holds the key (<see cref="NickClaim.InUse"/>) or a lookalike (<see cref="NickClaim.LooksLike"/>).
    /// The caller releases its old key (<see cref="ReleaseNick"/>) once it has the new one.
    /// </summary>
    public NickClaim TryClaimNick(string display, string key, Session session, out string? holder)
    {
        string skeleton = ContentRules.Skeleton(display);
        lock (_namesGate)
        {
            if (_nicks.TryGetValue(key, out Session? owner) && owner != session)
            {
                holder = owner.Nick ?? display;
                return NickClaim.InUse;
            }

            if (_nickSkeletons.TryGetValue(skeleton, out Session? alike) && alike != session)
            {
                holder = alike.Nick ?? "a nickname being claimed";
                return NickClaim.LooksLike;
            }

            _nicks[key] = session;
            if (_skeletonOf.TryGetValue(session, out string? old) && old != skeleton)
            {
                _nickSkeletons.Remove(old);
            }

            _nickSkeletons[skeleton] = session;
            _skeletonOf[session] = skeleton;
            holder = null;
            return NickClaim.Claimed;
        }
    }

    /// <summary>Frees <paramref name="key"/> if <paramref name="session"/> holds it (its skeleton stays until <see cref="ReleaseSkeleton"/>).</summary>
    public void ReleaseNick(string key, Session session)
    {
        lock (_namesGate)
        {
            _nicks.TryRemove(new KeyValuePair<string, Session>(key, session));
        }
    }

    /// <summary>Frees the skeleton of the session's nickname: the session has ended.</summary>
    public void ReleaseSkeleton(Session session)
    {
        lock (_namesGate)
        {
            if (_skeletonOf.Remove(session, out string? skeleton))
            {
                _nickSkeletons.Remove(skeleton);
            }
        }
    }

    /// <summary>Reserves a new room's skeleton for <paramref name="key"/>; false when another room already has it.</summary>
    private bool TryReserveRoomName(string name, string key, out string? lookalike)
    {
        string skeleton = ContentRules.Skeleton(name);
        lock (_namesGate)
        {
            if (_roomSkeletons.TryGetValue(skeleton, out string? other) && other != key)
            {
                lookalike = _rooms.TryGetValue(other, out Room? live) ? live.Name
                    : _records.TryGetValue(other, out Storage.RoomRecord? record) ? record.Name : other;
                return false;
            }

            _roomSkeletons[skeleton] = key;
            lookalike = null;
            return true;
        }
    }
}

/// <summary>What <see cref="Hub.TryClaimNick"/> did.</summary>
internal enum NickClaim
{
    Claimed,
    InUse,
    LooksLike,
}
