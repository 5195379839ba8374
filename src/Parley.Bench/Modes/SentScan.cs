using Parley.Bench.Wire;

namespace Parley.Bench.Modes;

/// <summary>
/// Reads <c>client_msg_id</c> (field 4) from a <c>Sent</c> payload by walking the protobuf tags, and
/// parses it as the 16 hex digits <see cref="SayTemplate"/> wrote: how the ack mode knows which
/// message a reply acknowledges without keeping a table of messages in flight.
/// </summary>
internal static class SentScan
{
    private const int ClientMsgIdField = 4;

    /// <summary>False when the payload is malformed or carries no id the bench wrote.</summary>
    public static bool TryReadClientMsgId(ReadOnlySpan<byte> payload, out ulong id)
    {
        id = 0;
        int pos = 0;
        bool found = false;
        while (pos < payload.Length)
        {
            if (!DeliveredScan.TryReadVarint(payload, ref pos, out ulong tag))
            {
                return false;
            }

            switch ((int)(tag & 7))
            {
                case 0:
                    if (!DeliveredScan.TryReadVarint(payload, ref pos, out _))
                    {
                        return false;
                    }

                    break;
                case 2:
                    if (!DeliveredScan.TryReadVarint(payload, ref pos, out ulong length) || length > (ulong)(payload.Length - pos))
                    {
                        return false;
                    }

                    if ((int)(tag >> 3) == ClientMsgIdField)
                    {
                        ReadOnlySpan<byte> digits = payload.Slice(pos, (int)length);
                        found = digits.Length == SayTemplate.StampLength && Hex.TryParse(digits, out id);
                    }

                    pos += (int)length;
                    break;
                case 1:
                    pos += 8;
                    break;
                case 5:
                    pos += 4;
                    break;
                default:
                    return false;
            }
        }

        return found && pos == payload.Length;
    }
}
