using System.Globalization;
using Google.Protobuf;
using Parley.Protocol;
using Parley.Protocol.Messages;

namespace Parley.Client;

public sealed partial class ParleyConnection
{
    private readonly string _msgIdPrefix = Random.Shared.Next().ToString("x8", CultureInfo.InvariantCulture);
    private uint _lastRequestId;
    private long _lastMsgId;

    /// <summary>Joins (and on first join creates) <paramref name="room"/>.</summary>
    public Task<Joined> JoinAsync(string room, CancellationToken cancellationToken = default) =>
        RequestAsync<Joined>(FrameType.Join, new Join { Room = room }, cancellationToken);

    /// <summary>Leaves <paramref name="room"/>; the room sees <paramref name="reason"/>, if any.</summary>
    public Task PartAsync(string room, string? reason = null, CancellationToken cancellationToken = default) =>
        RequestAsync<Ok>(FrameType.Part, new Part { Room = room, Reason = reason ?? string.Empty }, cancellationToken);

    /// <summary>Changes nickname. Returns the nickname as the server now holds it (normalised).</summary>
    public async Task<string> SetNickAsync(string nick, CancellationToken cancellationToken = default)
    {
        Ok ok = await RequestAsync<Ok>(FrameType.SetNick, new SetNick { Nick = nick }, cancellationToken).ConfigureAwait(false);
        string held = ok.Nick.Length > 0 ? ok.Nick : nick;
        Volatile.Write(ref _nick, held);
        return held;
    }

    /// <summary>Lists the server's rooms (the largest first, as many as fit in one frame).</summary>
    public Task<RoomList> ListRoomsAsync(CancellationToken cancellationToken = default) =>
        RequestAsync<RoomList>(FrameType.ListRooms, new ListRooms(), cancellationToken);

    /// <summary>Lists the members of <paramref name="room"/>.</summary>
    public Task<Members> NamesAsync(string room, CancellationToken cancellationToken = default) =>
        RequestAsync<Members>(FrameType.Names, new Names { Room = room }, cancellationToken);

    /// <summary>
    /// Says <paramref name="text"/> in <paramref name="room"/> (as an action: <c>/me</c>). Completes when the
    /// server has accepted and stored it; the room's <c>Delivered</c> event, to us too, follows.
    /// </summary>
    public Task<Sent> SayAsync(string room, string text, bool action = false, CancellationToken cancellationToken = default) =>
        SayAsync(room, text, action, NextClientMsgId(), cancellationToken);

    /// <summary>
    /// As <see cref="SayAsync(string, string, bool, CancellationToken)"/>, with the caller's own message id:
    /// sending it again with the same id (after a lost acknowledgement) is stored once and acknowledged
    /// with the same message id and sequence number. Printable ASCII, at most 64 characters.
    /// </summary>
    public Task<Sent> SayAsync(string room, string text, bool action, string clientMsgId, CancellationToken cancellationToken) =>
        RequestAsync<Sent>(FrameType.Say, new Say { Room = room, Text = text, Action = action, ClientMsgId = clientMsgId }, cancellationToken);

    /// <summary>Sends a direct message to <paramref name="to"/>; both ends receive a <c>DirectDelivered</c> event.</summary>
    public Task<Sent> WhisperAsync(string to, string text, bool action = false, CancellationToken cancellationToken = default) =>
        RequestAsync<Sent>(FrameType.Whisper, new Whisper { To = to, Text = text, Action = action, ClientMsgId = NextClientMsgId() }, cancellationToken);

    /// <summary>Sets <paramref name="room"/>'s topic, or clears it with an empty <paramref name="topic"/>.</summary>
    public Task SetTopicAsync(string room, string topic, CancellationToken cancellationToken = default) =>
        RequestAsync<Ok>(FrameType.SetTopic, new SetTopic { Room = room, Topic = topic }, cancellationToken);

    /// <summary>
    /// Reads a page of a conversation's stored history: a room (<c>#name</c>) or the direct conversation with
    /// a nickname. <paramref name="forward"/>: the messages after <paramref name="seq"/>, oldest first;
    /// otherwise the newest before it (0: the latest), oldest first. The server caps <paramref name="limit"/>.
    /// </summary>
    public Task<HistoryPage> HistoryAsync(
        string conversation, ulong seq, bool forward, uint limit = 0, CancellationToken cancellationToken = default) =>
        RequestAsync<HistoryPage>(FrameType.History, new History { Conversation = conversation, Seq = seq, Forward = forward, Limit = limit }, cancellationToken);

    /// <summary>Records that this user has read <paramref name="conversation"/> up to <paramref name="seq"/>.</summary>
    public Task MarkReadAsync(string conversation, ulong seq, CancellationToken cancellationToken = default) =>
        RequestAsync<Ok>(FrameType.MarkRead, new MarkRead { Conversation = conversation, Seq = seq }, cancellationToken);

    /// <summary>
    /// Marks this session away with <paramref name="message"/>, or back with null or empty; every room of the session
    /// sees it (<c>Presence</c> AWAY or BACK).
    /// </summary>
    public Task SetAwayAsync(string? message, CancellationToken cancellationToken = default) =>
        RequestAsync<Ok>(FrameType.SetAway, new SetAway { Message = message ?? string.Empty }, cancellationToken);

    /// <summary>Asks about an online nickname: away message, shared rooms, connection and idle time.</summary>
    public Task<WhoisInfo> WhoisAsync(string nick, CancellationToken cancellationToken = default) =>
        RequestAsync<WhoisInfo>(FrameType.Whois, new Whois { Nick = nick }, cancellationToken);

    /// <summary>
    /// Changes the logged-in account's password. Every resume token of the account is revoked, this
    /// connection's too. Fails with <c>AUTH_FAILED</c> if <paramref name="oldPassword"/> is wrong.
    /// </summary>
    public Task ChangePasswordAsync(string oldPassword, string newPassword, CancellationToken cancellationToken = default) =>
        RequestAsync<Ok>(FrameType.ChangePassword, new ChangePassword { OldPassword = oldPassword, NewPassword = newPassword }, cancellationToken);

    /// <summary>Revokes a resume token of the logged-in account; <c>null</c> revokes all of them.</summary>
    public Task RevokeResumeTokenAsync(string? token = null, CancellationToken cancellationToken = default) =>
        RequestAsync<Ok>(FrameType.RevokeResumeToken, new RevokeResumeToken { Token = token ?? string.Empty }, cancellationToken);

    /// <summary>Pings the server and returns the round-trip time.</summary>
    public async Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        ulong nonce = (ulong)Random.Shared.NextInt64();
        long start = _time.GetTimestamp();
        Pong pong = await RequestAsync<Pong>(FrameType.Ping, new Ping { Nonce = nonce }, cancellationToken).ConfigureAwait(false);
        TimeSpan rtt = _time.GetElapsedTime(start);
        if (pong.Nonce != nonce)
        {
            throw new ProtocolViolationException(ErrorCode.MalformedFrame, "the server's Pong does not echo the Ping's nonce");
        }

        return rtt;
    }

    private async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        string nick = _options.Nick;
        for (int retry = 0; ; retry++)
        {
            uint id = NextRequestId();
            Volatile.Write(ref _helloRequestId, id);
            Hello hello = _options.ToHello(nick);
            try
            {
                Welcome welcome = await RequestAsync<Welcome>(FrameType.Hello, id, hello, _options.HandshakeTimeout, cancellationToken)
                    .ConfigureAwait(false);
                _welcome = welcome;
                Volatile.Write(ref _nick, welcome.Nick.Length > 0 ? welcome.Nick : nick);
                ClientLog.Connected(_logger, Nick, welcome.ConnectionId, welcome.ServerName);
                StartHeartbeat(welcome.Limits);
                return;
            }
            catch (ParleyRequestException ex) when (ex.Code == ErrorCode.NickInUse && retry < _options.NickInUseRetries && FallbackBase.Length > 0)
            {
                // A logged-in session with no nickname of its own asked for its account name (held by another
                // of its sessions, say): the alternatives are the account name's.
                string next = FallbackNick(FallbackBase, retry + 1);
                ClientLog.NickInUse(_logger, nick, next);
                nick = next;
            }
            finally
            {
                Volatile.Write(ref _helloRequestId, 0);
            }
        }
    }

    private string FallbackBase => _options.Nick.Length > 0 ? _options.Nick : _options.Account;

    /// <summary>IRC-style alternatives for a taken nickname: <c>nick_</c>, then <c>nick_2</c>, <c>nick_3</c>, ...</summary>
    internal static string FallbackNick(string nick, int retry)
    {
        string suffix = retry == 1 ? "_" : "_" + retry.ToString(CultureInfo.InvariantCulture);
        int keep = Math.Min(nick.Length, ProtocolConstants.MaxNickLength - suffix.Length);
        return string.Concat(nick.AsSpan(0, keep), suffix);
    }

    private Task<TReply> RequestAsync<TReply>(FrameType type, IMessage request, CancellationToken cancellationToken)
        where TReply : class, IMessage<TReply> =>
        RequestAsync<TReply>(type, NextRequestId(), request, _options.RequestTimeout, cancellationToken);

    private async Task<TReply> RequestAsync<TReply>(
        FrameType type, uint requestId, IMessage request, TimeSpan timeout, CancellationToken cancellationToken)
        where TReply : class, IMessage<TReply>
    {
        var pending = new PendingRequest(MessageCodec.TypeOf<TReply>());
        _pending[requestId] = pending;
        try
        {
            if (!TryEnqueue(type, requestId, request))
            {
                throw Volatile.Read(ref _closeReason) is { } reason
                    ? new ParleyConnectionException(reason)
                    : new ParleyConnectionException();
            }

            IMessage reply = await pending.Task.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
            return (TReply)reply;
        }
        catch (TimeoutException ex)
        {
            throw new ParleyTimeoutException(
                $"no reply to {type} within {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s", ex);
        }
        finally
        {
            _pending.TryRemove(requestId, out _);
        }
    }

    private uint NextRequestId()
    {
        // Zero marks events, so it is skipped when the counter wraps.
        uint id = Interlocked.Increment(ref _lastRequestId);
        return id != 0 ? id : Interlocked.Increment(ref _lastRequestId);
    }

    private string NextClientMsgId() =>
        string.Create(CultureInfo.InvariantCulture, $"{_msgIdPrefix}-{Interlocked.Increment(ref _lastMsgId)}");
}
