using Parley.Protocol;
using Parley.Protocol.Messages;

namespace Parley.Client;

/// <summary>Away state, whois, and the stored history of conversations: backlogs and read markers.</summary>
public sealed partial class ParleySession
{
    // The away message the user set; null when not away. Set again on every new connection.
    private string? _awayMessage;

    /// <summary>The away message set with <see cref="SetAwayAsync"/>; null when not away.</summary>
    public string? AwayMessage => Volatile.Read(ref _awayMessage);

    /// <summary>
    /// Marks this user away with <paramref name="message"/>, or back with null or blank. Away is state, not a
    /// message: the session keeps it and sets it again on every new connection, so it outlives reconnects. Without a
    /// connection it is only kept, and applied on the next one. A refusal by the server leaves the state unchanged.
    /// </summary>
    public async Task SetAwayAsync(string? message, CancellationToken cancellationToken = default)
    {
        string? away = string.IsNullOrWhiteSpace(message) ? null : message;
        ParleyConnection? connection = Volatile.Read(ref _connection);
        if (connection is not { IsOpen: true })
        {
            Volatile.Write(ref _awayMessage, away);
            return;
        }

        await connection.SetAwayAsync(away, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _awayMessage, away);
    }

    /// <inheritdoc cref="ParleyConnection.WhoisAsync"/>
    public Task<WhoisInfo> WhoisAsync(string nick, CancellationToken cancellationToken = default) =>
        Current.WhoisAsync(nick, cancellationToken);

    /// <inheritdoc cref="ParleyConnection.HistoryAsync"/>
    public Task<HistoryPage> HistoryAsync(
        string conversation, ulong seq, bool forward, uint limit = 0, CancellationToken cancellationToken = default) =>
        Current.HistoryAsync(conversation, seq, forward, limit, cancellationToken);

    /// <inheritdoc cref="ParleyConnection.MarkReadAsync"/>
    public Task MarkReadAsync(string conversation, ulong seq, CancellationToken cancellationToken = default) =>
        Current.MarkReadAsync(conversation, seq, cancellationToken);

    /// <summary>
    /// The last <paramref name="count"/> messages of <paramref name="room"/> up to and including sequence number
    /// <paramref name="throughSeq"/>, oldest first, read backwards a page at a time on the catch-up path (each page asked
    /// for once the previous one is in). Pass <c>Joined.last_seq</c>: every message after it arrives live, so the
    /// backlog and the live messages never overlap, whichever comes first.
    /// </summary>
    public async Task<IReadOnlyList<Delivered>> RoomBacklogAsync(string room, ulong throughSeq, int count, CancellationToken cancellationToken = default) =>
        await PageBackAsync(room, throughSeq, count, p => p.Messages, m => m.Seq, cancellationToken).ConfigureAwait(false);

    /// <summary>As <see cref="RoomBacklogAsync"/>, for the direct conversation with <paramref name="peer"/>.</summary>
    public async Task<IReadOnlyList<DirectDelivered>> DirectBacklogAsync(string peer, ulong throughSeq, int count, CancellationToken cancellationToken = default) =>
        await PageBackAsync(peer, throughSeq, count, p => p.DirectMessages, m => m.Seq, cancellationToken).ConfigureAwait(false);

    private async Task<List<T>> PageBackAsync<T>(
        string conversation, ulong throughSeq, int count, Func<HistoryPage, IList<T>> messagesOf, Func<T, ulong> seqOf, CancellationToken cancellationToken)
    {
        // Newest page first; each page is oldest first.
        var pages = new List<IList<T>>();
        int have = 0;
        // History pages backwards from "below seq": one past the last message wanted (0 asks for the latest).
        ulong below = throughSeq == ulong.MaxValue ? 0 : throughSeq + 1;
        while (throughSeq > 0 && have < count)
        {
            uint limit = (uint)Math.Min(count - have, HistoryPageSize);
            HistoryPage page = await Current.HistoryAsync(conversation, below, forward: false, limit, cancellationToken).ConfigureAwait(false);
            IList<T> messages = messagesOf(page);
            if (messages.Count == 0)
            {
                break;
            }

            pages.Add(messages);
            have += messages.Count;
            ulong oldest = seqOf(messages[0]);
            if (!page.HasMore || oldest <= 1 || (below != 0 && oldest >= below))
            {
                break;
            }

            below = oldest;
        }

        var all = new List<T>(have);
        for (int i = pages.Count - 1; i >= 0; i--)
        {
            all.AddRange(pages[i]);
        }

        return all.Count > count ? all[^count..] : all;
    }

    /// <summary>Marks a new connection away again if the user was; false when the connection went meanwhile.</summary>
    private async Task<bool> RestoreAwayAsync(ParleyConnection connection, CancellationToken stop)
    {
        if (AwayMessage is not { } away)
        {
            return true;
        }

        try
        {
            await connection.SetAwayAsync(away, stop).ConfigureAwait(false);
        }
        catch (ParleyRequestException ex)
        {
            // An older server without away: the rest of the session works without it.
            ClientLog.RestoreAwayFailed(_logger, ex.Code);
        }
        catch (Exception ex) when (ex is ParleyException or OperationCanceledException)
        {
            return false;
        }

        return true;
    }
}
