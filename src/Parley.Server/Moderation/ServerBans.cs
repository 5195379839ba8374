using System.Net;
using Parley.Server.Storage;

namespace Parley.Server.Moderation;

/// <summary>
/// The server-wide bans in memory, loaded from the store at start and changed (after the store) by
/// administrators' Ban and Unban. Every accepted connection is checked against it before anything else,
/// so the list is an immutable array read without a lock.
/// </summary>
internal sealed class ServerBans
{
    private readonly Lock _gate = new();
    private ActiveRestriction[] _bans;

    public ServerBans(IEnumerable<Restriction> stored) => _bans = [.. ActiveRestriction.From(stored)];

    public IReadOnlyList<ActiveRestriction> All => Volatile.Read(ref _bans);

    /// <summary>The ban in force that matches an account (null: a guest) or an address, if any.</summary>
    public ActiveRestriction? Match(string? account, IPAddress? address, long nowMs)
    {
        foreach (ActiveRestriction ban in Volatile.Read(ref _bans))
        {
            if (ban.Matches(account, address, nowMs))
            {
                return ban;
            }
        }

        return null;
    }

    public void Add(ActiveRestriction ban)
    {
        lock (_gate)
        {
            Volatile.Write(ref _bans, [.. _bans.Where(b => !b.Mask.Equals(ban.Mask)), ban]);
        }
    }

    /// <summary>All of them anew, as the store has them now (after <c>parley admin ban</c> changed it).</summary>
    public void Replace(IEnumerable<Restriction> stored)
    {
        ActiveRestriction[] bans = [.. ActiveRestriction.From(stored)];
        lock (_gate)
        {
            Volatile.Write(ref _bans, bans);
        }
    }

    public void Remove(BanMask mask)
    {
        lock (_gate)
        {
            Volatile.Write(ref _bans, [.. _bans.Where(b => !b.Mask.Equals(mask))]);
        }
    }
}
