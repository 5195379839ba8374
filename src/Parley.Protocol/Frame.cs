using System.Buffers;

namespace Parley.Protocol;

/// <summary>
/// One frame as read from the wire. <see cref="Payload"/> points into the reader's buffer and is
/// valid only until the reader advances: decode it (<see cref="MessageCodec.Decode"/>) first.
/// </summary>
public readonly struct Frame(FrameHeader header, ReadOnlySequence<byte> payload)
{
    public FrameHeader Header { get; } = header;

    public ReadOnlySequence<byte> Payload { get; } = payload;

    public FrameType Type => Header.Type;

    public uint RequestId => Header.RequestId;
}
