using System.Globalization;
using Parley.Protocol;
using Parley.Protocol.Messages;
using Parley.Server.Connections;
using Parley.Server.Limits;

namespace Parley.Server.Chat;

// Flood control on the read loop (docs/PROTOCOL.md "Flood control"): every request is charged to a
// bucket before it is looked at, so a refused one costs the server no more than this.
internal sealed partial class Session
{
    /// <summary>
    /// Charges the request to its bucket. False: it was refused with RATE_LIMITED (not stored, not
    /// delivered, nothing else done), or the client was disconnected for ignoring earlier refusals.
    /// </summary>
    private bool WithinAllowance(FrameType type, uint id)
    {
        uint retryAfterMs;
        bool message = type is FrameType.Say or FrameType.Whisper;
        if (message ? Limits.TryTakeMessage(out retryAfterMs)
            // History is the catch-up path: back-pressured by the client's own send queue instead.
            : type == FrameType.History || Limits.TryTakeRequest(out retryAfterMs))
        {
            return true;
        }

        RateLimitOptions o = _context.Options.RateLimits;
        Log.RateLimited(_context.Logger, Connection.Id, _nick ?? "-", type, retryAfterMs);
        if (Limits.RefusedOnceTooOften())
        {
            // It keeps sending without waiting as it was told: a flood, not a burst. The refusals already
            // queued go out first, then the connection-level error and the close.
            Log.FloodDisconnect(_context.Logger, Connection.Id, _nick ?? "-", o.RefusalsBeforeDisconnect, o.RefusalWindow.TotalSeconds);
            Connection.Close(QuitReason.ProtocolError, ClientConnection.ErrorFrame(ErrorCode.RateLimited,
                string.Create(CultureInfo.InvariantCulture,
                    $"disconnected for flooding: {o.RefusalsBeforeDisconnect} requests refused within {o.RefusalWindow.TotalSeconds:0.#} s"),
                0, retryAfterMs), discardData: false);
            return false;
        }

        string text = message
            ? string.Create(CultureInfo.InvariantCulture,
                $"too many messages: {o.MessageBurst} at once, then {o.MessagesPerSecond:0.###} per second; try again in {retryAfterMs} ms")
            : string.Create(CultureInfo.InvariantCulture, $"too many requests; try again in {retryAfterMs} ms");
        Connection.Send(ClientConnection.ErrorFrame(ErrorCode.RateLimited, text, id, retryAfterMs));
        return false;
    }
}
