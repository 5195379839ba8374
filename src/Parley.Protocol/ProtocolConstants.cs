namespace Parley.Protocol;

/// <summary>Wire constants of protocol v1, each with the reason for its value. Mirrored in docs/PROTOCOL.md.</summary>
public static class ProtocolConstants
{
    /// <summary>The protocol version this code speaks.</summary>
    public const uint Version = 1;

    /// <summary>
    /// Largest frame payload either side accepts before the handshake has negotiated one: 64 KiB
    /// holds the largest text (below) with room for every other field, while keeping the
    /// worst-case buffered bytes per connection small.
    /// </summary>
    public const int DefaultMaxFramePayload = 64 * 1024;

    /// <summary>
    /// Largest message text in UTF-8 bytes: 16 KiB is generous for a paste of a few screens and
    /// small enough that one message can't dominate a member's send queue.
    /// </summary>
    public const int MaxTextBytes = 16 * 1024;

    /// <summary>Longest nickname, in characters (UTF-16 code units after normalisation): as in most IRC networks.</summary>
    public const int MaxNickLength = 32;

    /// <summary>Longest room name including its leading '#'.</summary>
    public const int MaxRoomNameLength = 64;

    /// <summary>Longest topic in UTF-8 bytes.</summary>
    public const int MaxTopicBytes = 1024;

    /// <summary>Longest part or quit reason in UTF-8 bytes.</summary>
    public const int MaxReasonBytes = 512;

    /// <summary>Longest client message id in UTF-8 bytes: room for a UUID or ULID with a prefix.</summary>
    public const int MaxClientMsgIdBytes = 64;

    /// <summary>The port <c>parley serve</c> listens on unless told otherwise (unassigned by IANA; "PARL" on a phone keypad is 7275).</summary>
    public const int DefaultPort = 7275;
}
