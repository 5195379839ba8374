namespace Parley.Bench.Wire;

/// <summary>
/// Reads the two fields the bench needs from a <c>Delivered</c> payload, <c>seq</c> (field 5) and
/// <c>text</c> (field 3), by walking the protobuf tags: no message object, no strings, no copy.
/// Decoding the whole message (<c>MessageCodec.Decode</c>) costs about 200 ns and 300 bytes per
/// frame, which on two shared cores would be charged to the server's figures.
/// </summary>
internal static class DeliveredScan
{
    private const int TextField = 3;
    private const int SeqField = 5;

    /// <summary>False when the payload is not a well-formed protobuf message.</summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out ulong seq, out ReadOnlySpan<byte> text)
    {
        seq = 0;
        text = default;
        int pos = 0;
        while (pos < payload.Length)
        {
            if (!TryReadVarint(payload, ref pos, out ulong tag))
            {
                return false;
            }

            int field = (int)(tag >> 3);
            switch ((int)(tag & 7))
            {
                case 0:
                    if (!TryReadVarint(payload, ref pos, out ulong value))
                    {
                        return false;
                    }

                    if (field == SeqField)
                    {
                        seq = value;
                    }

                    break;
                case 1:
                    pos += 8;
                    break;
                case 2:
                    if (!TryReadVarint(payload, ref pos, out ulong length) || length > (ulong)(payload.Length - pos))
                    {
                        return false;
                    }

                    if (field == TextField)
                    {
                        text = payload.Slice(pos, (int)length);
                    }

                    pos += (int)length;
                    break;
                case 5:
                    pos += 4;
                    break;
                default:
                    return false;
            }
        }

        return pos == payload.Length;
    }

    /// <summary>A protobuf varint at <paramref name="pos"/>, which moves past it; false when it runs off the end.</summary>
    internal static bool TryReadVarint(ReadOnlySpan<byte> data, ref int pos, out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 64 && pos < data.Length; shift += 7)
        {
            byte b = data[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }
}
