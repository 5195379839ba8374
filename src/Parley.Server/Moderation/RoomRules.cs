using System.Collections.Immutable;
using System.Net;
using Parley.Protocol.Messages;
using Parley.Server.Storage;

namespace Parley.Server.Moderation;

/// <summary>
/// A room's moderation state as one immutable value: owner and modes, operators, bans and mutes. The room
/// swaps in a new value under its lock for every change (after the store has it), so the checks on the
/// hot paths (a join, a message) read it without taking any lock.
/// </summary>
internal sealed record RoomRules(
    RoomSettings Settings, ImmutableHashSet<string> Operators, ImmutableArray<ActiveRestriction> Bans, ImmutableArray<ActiveRestriction> Mutes)
{
    public static readonly RoomRules Empty = new(RoomSettings.None, [], [], []);

    public static RoomRules From(RoomModeration stored) => new(
        stored.Settings,
        [.. stored.Operators],
        [.. ActiveRestriction.From(stored.Bans)],
        [.. ActiveRestriction.From(stored.Mutes)]);

    /// <summary>The room's role of an account (null: a guest, always a plain member).</summary>
    public MemberRole RoleOf(string? account) =>
        account is null ? MemberRole.Member
        : Settings.Owner.Length > 0 && account == Settings.Owner ? MemberRole.Owner
        : Operators.Contains(account) ? MemberRole.Operator
        : MemberRole.Member;

    public ActiveRestriction? BanOf(string? account, IPAddress? address, long nowMs) => Find(Bans, account, address, nowMs);

    public ActiveRestriction? MuteOf(string? account, IPAddress? address, long nowMs) =>
        Mutes.IsEmpty ? null : Find(Mutes, account, address, nowMs);

    public RoomModes ToModes() => new()
    {
        InviteOnly = Settings.InviteOnly, TopicLocked = Settings.TopicLocked, Owner = Settings.Owner,
    };

    /// <summary>The same rules with <paramref name="entry"/> in <paramref name="list"/>, replacing one with the same mask.</summary>
    public static ImmutableArray<ActiveRestriction> With(ImmutableArray<ActiveRestriction> list, ActiveRestriction entry) =>
        [.. list.Where(r => !r.Mask.Equals(entry.Mask)), entry];

    public static ImmutableArray<ActiveRestriction> Without(ImmutableArray<ActiveRestriction> list, BanMask mask) =>
        [.. list.Where(r => !r.Mask.Equals(mask))];

    private static ActiveRestriction? Find(ImmutableArray<ActiveRestriction> list, string? account, IPAddress? address, long nowMs)
    {
        foreach (ActiveRestriction r in list)
        {
            if (r.Matches(account, address, nowMs))
            {
                return r;
            }
        }

        return null;
    }
}
