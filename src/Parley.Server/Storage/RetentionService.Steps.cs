namespace Parley.Server.Storage;

/// <summary>
/// Deletion in steps. <see cref="IChatStore.ApplyRetention"/> deletes everything due in one transaction,
/// and while it runs the write gate is held and every send waits; the first pass after limits are set on
/// a big room could stall the server for seconds. So each limit is applied as a series of tighter-to-final
/// calls that each remove about <see cref="RetentionOptions.DeleteBatchSize"/> messages, taking the gate
/// for one call at a time. (A store method that deletes with a row limit would be simpler; the interface
/// has none, so the steps are computed from cheap reads.)
/// </summary>
/// <remarks>
/// Each call still costs the SQLite store a scan of the room (its age delete filters on an unindexed
/// timestamp, its count delete walks the kept rows with OFFSET): about 0.2 s per million messages on
/// this machine, which bounds how short one step can be. A store method deleting by sequence range would
/// make a step cost only what it deletes.
/// </remarks>
internal sealed partial class RetentionService
{
    /// <summary>Deletes the room's messages with a timestamp before <paramref name="cutoffMs"/>.</summary>
    /// <remarks>
    /// Nothing is done while the oldest message is not due, which saves the store a scan of the room on most
    /// passes of a quiet room. A message stamped out of order (the clock stepped back) goes with a later pass.
    /// </remarks>
    private void DeleteOlderThan(string room, long cutoffMs, ref int removed, CancellationToken cancellationToken)
    {
        while (OldestMessage(room) is { } oldest && oldest.TimestampMs < cutoffMs)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // The first message one batch past the oldest. Timestamps follow sequence numbers (a clock step
            // backwards aside), so deleting what is older than it removes about one batch.
            StoredMessage? boundary = FirstMessageFrom(room, oldest.Seq + (ulong)_options.DeleteBatchSize);
            int step = boundary is not null && boundary.TimestampMs < cutoffMs
                ? Delete(room, TimeSpan.Zero, maxCount: null, nowMs: boundary.TimestampMs)
                : 0;
            if (step == 0)
            {
                // What is due fits in one batch, or the whole batch shares the boundary's millisecond (or the
                // clock went back) and no smaller step exists: the exact limit, once.
                removed += Delete(room, TimeSpan.Zero, maxCount: null, nowMs: cutoffMs);
                return;
            }

            removed += step;
        }
    }

    /// <summary>Deletes all but the newest <paramref name="keep"/> messages of the room.</summary>
    private void DeleteBeyondCount(string room, int keep, ref int removed, CancellationToken cancellationToken)
    {
        if (OldestMessage(room) is not { } oldest)
        {
            return;
        }

        // Retention deletes from the old end, so the room holds at most last - oldest + 1 messages (fewer if a
        // clock step let the age limit take a few from the middle; then each step simply removes fewer).
        long present = (long)(_store.LastSeq(room) - oldest.Seq + 1);
        if (present <= keep)
        {
            return;
        }

        for (long step = Math.Min(present - _options.DeleteBatchSize, int.MaxValue); step > keep; step -= _options.DeleteBatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            removed += Delete(room, maxAge: null, (int)step, _time.GetUtcNow().ToUnixTimeMilliseconds());
        }

        removed += Delete(room, maxAge: null, keep, _time.GetUtcNow().ToUnixTimeMilliseconds());
    }

    private int Delete(string room, TimeSpan? maxAge, int? maxCount, long nowMs)
    {
        lock (_writeGate)
        {
            return _store.ApplyRetention(room, maxAge, maxCount, nowMs);
        }
    }

    private StoredMessage? OldestMessage(string room) => FirstMessageFrom(room, 1);

    /// <summary>The room's first stored message with a sequence number of at least <paramref name="seq"/>.</summary>
    private StoredMessage? FirstMessageFrom(string room, ulong seq)
    {
        IReadOnlyList<StoredMessage> page = _store.Read(room, seq - 1, 1, forward: true);
        return page.Count > 0 ? page[0] : null;
    }
}
