using Parley.Bench.Wire;
using Parley.Protocol.Messages;

namespace Parley.Bench.Modes;

/// <summary>
/// Reads back from the store what the server acknowledged: each sender asks History for its own
/// room's newest message. The room is new and only its sender writes to it, so its last sequence
/// number is the count of messages stored in it, and the newest row must carry that number.
/// </summary>
internal static class StoredCheck
{
    /// <summary>Messages stored over all the senders' rooms; a problem for each room whose count is not its acknowledged count.</summary>
    public static async Task<long> CountAsync(IReadOnlyList<BenchClient> senders, IReadOnlyList<string> rooms, TimeSpan timeout, List<string> problems)
    {
        long stored = 0;
        for (int k = 0; k < senders.Count; k++)
        {
            BenchClient sender = senders[k];
            HistoryPage page;
            try
            {
                page = await sender.LatestAsync(rooms[k], timeout).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or TimeoutException or InvalidOperationException)
            {
                problems.Add($"{rooms[k]}: could not read the stored count back: {ex.Message}");
                continue;
            }

            stored += (long)page.LastSeq;
            string? mismatch = Compare(rooms[k], sender.Acked, page);
            if (mismatch is not null)
            {
                problems.Add(mismatch);
            }
        }

        return stored;
    }

    /// <summary>Why <paramref name="page"/> does not show exactly <paramref name="acked"/> stored messages, or null when it does.</summary>
    internal static string? Compare(string room, long acked, HistoryPage page)
    {
        if ((long)page.LastSeq != acked)
        {
            return $"{room}: {acked:N0} messages acknowledged but the store's last sequence number is {page.LastSeq:N0}";
        }

        if (acked > 0 && (page.Messages.Count != 1 || page.Messages[0].Seq != page.LastSeq))
        {
            return $"{room}: the store counts {page.LastSeq:N0} messages but its newest row is {(page.Messages.Count == 0 ? "missing" : $"seq {page.Messages[^1].Seq:N0}")}";
        }

        return null;
    }
}
