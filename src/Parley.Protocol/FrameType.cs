namespace Parley.Protocol;

/// <summary>
/// The type byte of a frame header (offset 4). It names the protobuf message in the payload.
/// Ranges: 0x01-0x3F requests (and frames valid in both directions), 0x80-0xBF replies,
/// 0xC0-0xFF events. See docs/PROTOCOL.md, "Frame types".
/// </summary>
public enum FrameType : byte
{
    Hello = 0x01,
    Ping = 0x02,
    SetNick = 0x03,
    Join = 0x04,
    Part = 0x05,
    ListRooms = 0x06,
    Names = 0x07,
    Say = 0x08,
    Whisper = 0x09,
    SetTopic = 0x0A,
    Goodbye = 0x0B,
    History = 0x0C,
    MarkRead = 0x0D,
    ChangePassword = 0x0E,
    RevokeResumeToken = 0x0F,
    Kick = 0x10,
    Ban = 0x11,
    Unban = 0x12,
    ListBans = 0x13,
    Mute = 0x14,
    SetRole = 0x15,
    SetRoomMode = 0x16,
    Invite = 0x17,
    SetAway = 0x18,
    Whois = 0x19,

    Error = 0x80,
    Welcome = 0x81,
    Pong = 0x82,
    Ok = 0x83,
    Joined = 0x84,
    RoomList = 0x85,
    Members = 0x86,
    Sent = 0x87,
    HistoryPage = 0x88,
    BanList = 0x89,
    WhoisInfo = 0x8A,

    Delivered = 0xC0,
    DirectDelivered = 0xC1,
    Presence = 0xC2,
    TopicChanged = 0xC3,
    RoomModeChanged = 0xC4,
    MemberChanged = 0xC5,
    Invited = 0xC6,
    ReadMarkerChanged = 0xC7,
}
