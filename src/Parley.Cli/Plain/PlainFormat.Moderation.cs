using System.Globalization;
using Parley.Protocol.Messages;
using static Parley.Cli.Words;

namespace Parley.Cli.Plain;

// The moderation lines of plain mode (see the format list on PlainFormat).
internal static partial class PlainFormat
{
    /// <summary><c>[#room] -- bans (2):</c> then one line per ban; <c>-- server bans (N):</c> for the server's.</summary>
    public static IEnumerable<string> Bans(BanList list)
    {
        string head = list.Room.Length > 0 ? $"[{Safe(list.Room)}] -- bans" : "-- server bans";
        yield return string.Create(CultureInfo.InvariantCulture, $"{head} ({list.Bans.Count}):");
        foreach (BanEntry ban in list.Bans)
        {
            string until = ban.ExpiresMs > 0 ? $", until {Time(ban.ExpiresMs)}" : string.Empty;
            string reason = ban.Reason.Length > 0 ? $": {Safe(ban.Reason)}" : string.Empty;
            yield return $"--   {Safe(ban.Mask)} by {Safe(ban.By)}{until}{reason}";
        }
    }

    /// <summary>A time from the server, in UTC (scripts compare it; the terminal's zone is not ours to guess).</summary>
    public static string Time(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string MemberChanged(MemberChanged m)
    {
        string role = m.Role switch
        {
            MemberRole.Owner => "owner",
            MemberRole.Operator => "operator",
            _ => "member",
        };
        string mute = !m.Muted ? "not muted" : m.MutedUntilMs > 0 ? $"muted until {Time(m.MutedUntilMs)}" : "muted";
        return $"[{Safe(m.Room)}] -- {Safe(m.Nick)}: {role}, {mute}{By(m.By)}";
    }

    // An empty "by" is the server's own doing (a timed mute ending).
    private static string By(string by) => by.Length > 0 ? $" (by {Safe(by)})" : string.Empty;
}
