using System.Net;
using Parley.Server.Storage;

namespace Parley.Server.Moderation;

/// <summary>A ban or mute in force, with its mask parsed once so that matching a join costs no parsing.</summary>
internal sealed record ActiveRestriction(Restriction Record, BanMask Mask)
{
    public bool Matches(string? accountKey, IPAddress? address, long nowMs) =>
        Record.InForceAt(nowMs) && Mask.Matches(accountKey, address);

    /// <summary>The stored records, parsed; a record whose mask no longer parses (edited by hand) is skipped.</summary>
    public static IEnumerable<ActiveRestriction> From(IEnumerable<Restriction> records)
    {
        foreach (Restriction record in records)
        {
            if (BanMask.TryParse(record.Mask, out BanMask? mask, out _))
            {
                yield return new ActiveRestriction(record, mask);
            }
        }
    }
}
