using Parley.Protocol;
using Parley.Protocol.Messages;

namespace Parley.Server.Chat;

/// <summary>Away state and whois (docs/PROTOCOL.md, "Away and whois").</summary>
internal sealed partial class Session
{
    // Read by other threads (a room building Joined or Members, another session's whois): each is
    // written on this session's read loop only, and published with a volatile write.
    private volatile string? _awayMessage;
    private long _lastMessageMs;

    /// <summary>The away message (neutralised, at most 512 bytes); null when not away.</summary>
    public string? AwayMessage => _awayMessage;

    /// <summary>The session's account is a server administrator.</summary>
    public bool IsAdmin => Account?.Admin ?? false;

    /// <summary>When the connection was accepted, Unix milliseconds.</summary>
    public long ConnectedMs { get; }

    /// <summary>The last Say or Whisper accepted from this session (Unix milliseconds); when it connected if none.</summary>
    public long LastMessageMs => Volatile.Read(ref _lastMessageMs);

    /// <summary>A Say or Whisper was accepted: whois measures idle time from here.</summary>
    private void Spoke() => Volatile.Write(ref _lastMessageMs, _context.Time.GetUtcNow().ToUnixTimeMilliseconds());

    private void OnSetAway(uint id, SetAway request)
    {
        // Neutralised first, then cut: the stand-ins for control characters are longer than what they
        // replace, and the 512-byte bound is on what the rooms receive.
        string? message = string.IsNullOrWhiteSpace(request.Message)
            ? null
            : Truncate(ContentRules.NeutralizeText(request.Message), ProtocolConstants.MaxReasonBytes);
        string? old = _awayMessage;
        _awayMessage = message;
        Reply(id, FrameType.Ok, new Ok());
        if (old == message)
        {
            // Back when not away, or away again with the same words: nothing for the rooms to learn.
            return;
        }

        var presence = new Presence
        {
            Kind = message is null ? PresenceKind.Back : PresenceKind.Away,
            Nick = _nick,
            Message = message ?? string.Empty,
        };
        foreach (Room room in _rooms)
        {
            Presence forRoom = presence.Clone();
            forRoom.Room = room.Name;
            room.Announce(forRoom);
        }
    }

    private void OnWhois(uint id, Whois request)
    {
        if (!ContentRules.TryValidateNick(request.Nick, out string display, out string key, out string error))
        {
            Reply(id, ErrorCode.InvalidName, error);
            return;
        }

        if (_context.Hub.FindByNick(key) is not { IsReady: true } target)
        {
            Reply(id, ErrorCode.NoSuchUser, $"no user {display} is online");
            return;
        }

        long now = _context.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var info = new WhoisInfo
        {
            Nick = target.Nick ?? display,
            Account = target.Account?.Name ?? string.Empty,
            AwayMessage = target.AwayMessage ?? string.Empty,
            ConnectedMs = target.ConnectedMs,
            IdleMs = (ulong)Math.Max(0, now - target.LastMessageMs),
            Admin = target.IsAdmin,
        };

        // The asker's own rooms (this thread's list) that have the target as a member now: the
        // target's room list belongs to its own read loop and is not read from here.
        foreach (Room room in _rooms)
        {
            if (Array.IndexOf(room.Members, target) >= 0)
            {
                info.Rooms.Add(room.Name);
            }
        }

        Reply(id, FrameType.WhoisInfo, info);
    }
}
