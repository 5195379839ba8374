using System.Buffers.Binary;
using Parley.Protocol;
using Parley.Protocol.Messages;

namespace Parley.Bench.Wire;

/// <summary>
/// One <c>Say</c> frame encoded once by the codec, then stamped per message: the request id, a
/// 16-digit hex timestamp at the start of the text (read back by the receivers to measure latency)
/// and a 16-digit hex client message id (real clients always send one, and the server's
/// deduplication by it is part of the cost being measured). Stamping is a copy and 32 hex digits:
/// no protobuf object and no allocation per message.
/// </summary>
internal sealed class SayTemplate
{
    /// <summary>Hex digits of the timestamp at the start of the text, and of the client message id.</summary>
    public const int StampLength = 16;

    private readonly byte[] _frame;
    private readonly int _textOffset;
    private readonly int _idOffset;

    /// <param name="room">The room to say it in.</param>
    /// <param name="textBytes">Size of the text; at least <see cref="StampLength"/>.</param>
    public SayTemplate(string room, int textBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(textBytes, StampLength);
        string text = new string('0', StampLength) + new string('x', textBytes - StampLength);
        string id = new('0', StampLength);
        _frame = FrameWriter.Encode(FrameType.Say, 1, new Say { Room = room, Text = text, ClientMsgId = id });

        // Protobuf writes fields in field-number order, so the id (field 3) is last and the text
        // (field 2) ends just before its two-byte tag and length.
        _idOffset = _frame.Length - StampLength;
        _textOffset = _idOffset - 2 - textBytes;
        bool padded = textBytes == StampLength || _frame[_idOffset - 3] == (byte)'x';
        if (_frame[_idOffset - 2] != 0x1A || _frame[_textOffset] != (byte)'0' || !padded)
        {
            throw new InvalidOperationException("unexpected Say encoding: the stamp offsets are wrong");
        }
    }

    /// <summary>Bytes of one frame.</summary>
    public int Length => _frame.Length;

    /// <summary>Writes one stamped frame at the start of <paramref name="destination"/>.</summary>
    public void WriteTo(Span<byte> destination, uint requestId, long timestamp, ulong clientMsgId)
    {
        _frame.CopyTo(destination);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], requestId);
        Hex.Write(destination.Slice(_textOffset, StampLength), (ulong)timestamp);
        Hex.Write(destination.Slice(_idOffset, StampLength), clientMsgId);
    }
}
