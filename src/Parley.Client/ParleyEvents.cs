using Parley.Protocol.Messages;

namespace Parley.Client;

/// <summary>
/// Something that happened without being asked for: a server event, or (from <see cref="ParleySession"/>)
/// a change of connection state. Consumers switch on the concrete type.
/// </summary>
public abstract record ParleyEvent;

/// <summary>
/// A room message (the sender's own messages included). <paramref name="Replayed"/>: it was sent while this
/// session was disconnected and comes from the room's history, in order, before any live message after it.
/// </summary>
public sealed record RoomMessageEvent(Delivered Message, bool Replayed = false) : ParleyEvent;

/// <summary>A direct message, received or sent by this user (<c>From</c> tells which).</summary>
public sealed record DirectMessageEvent(DirectDelivered Message) : ParleyEvent;

/// <summary>Someone joined, left, quit or changed nickname, in one room.</summary>
public sealed record PresenceEvent(Presence Presence) : ParleyEvent;

/// <summary>A room's topic was set or cleared.</summary>
public sealed record TopicChangedEvent(TopicChanged Change) : ParleyEvent;

/// <summary>A room's modes (invite-only, topic lock) changed.</summary>
public sealed record RoomModeChangedEvent(RoomModeChanged Change) : ParleyEvent;

/// <summary>A room member's role or mute changed.</summary>
public sealed record MemberChangedEvent(MemberChanged Change) : ParleyEvent;

/// <summary>This session was invited to a room.</summary>
public sealed record InvitedEvent(Invited Invitation) : ParleyEvent;

/// <summary>
/// Another connection of the same user (another device) read a conversation up to <c>Change.Seq</c>: the
/// messages up to there are no longer unread here either. <c>Change.Conversation</c> is a room name or the
/// peer's nickname.
/// </summary>
public sealed record ReadMarkerEvent(ReadMarkerChanged Change) : ParleyEvent;

/// <summary>The base of the connection-state events a <see cref="ParleySession"/> reports.</summary>
public abstract record ConnectionStateEvent : ParleyEvent;

/// <summary>A connection attempt starts (<paramref name="Attempt"/> counts from 1 since the last success).</summary>
public sealed record ConnectingEvent(string Endpoint, int Attempt) : ConnectionStateEvent;

/// <summary>The handshake succeeded; <paramref name="Nick"/> is the nickname the server granted.</summary>
public sealed record ConnectedEvent(string Endpoint, string Nick, Welcome Welcome) : ConnectionStateEvent;

/// <summary>The session waits <paramref name="Delay"/> before attempt number <paramref name="Attempt"/>.</summary>
public sealed record ReconnectingEvent(int Attempt, TimeSpan Delay, Exception? LastError) : ConnectionStateEvent;

/// <summary>The connection ended; <paramref name="WillReconnect"/> says whether the session tries again.</summary>
public sealed record DisconnectedEvent(DisconnectInfo Info, bool WillReconnect) : ConnectionStateEvent;

/// <summary>
/// After a reconnect the session joined a room it had been in again. <paramref name="Missed"/> is how many
/// messages the room received while this session was away (from the room's sequence numbers); the session
/// replays them from the room's history next (<see cref="RoomMessageEvent.Replayed"/>).
/// </summary>
public sealed record RejoinedEvent(Joined Joined, ulong Missed) : ParleyEvent;

/// <summary>
/// The server remembered that the account is a member of a room this session was not in (<c>Welcome.rooms</c>:
/// joined on another device, or before the client restarted), and the session joined it
/// (<see cref="ParleySessionOptions.JoinRememberedRooms"/>). Nothing is replayed: the room is new to this
/// session, which may load a backlog from <c>Joined.last_seq</c> and <c>Joined.read_seq</c>.
/// </summary>
public sealed record RoomRestoredEvent(Joined Joined) : ParleyEvent;

/// <summary>After a reconnect, joining a room the session had been in (or one the server remembered) failed; the session forgets the room.</summary>
public sealed record RejoinFailedEvent(string Room, ParleyRequestException Error) : ParleyEvent;
