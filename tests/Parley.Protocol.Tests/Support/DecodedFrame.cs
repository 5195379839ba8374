using Google.Protobuf;

namespace Parley.Protocol.Tests.Support;

/// <summary>A frame decoded into owned values; protobuf messages compare by value, so records do too.</summary>
public sealed record DecodedFrame(FrameType Type, uint RequestId, IMessage Message)
{
    public override string ToString() => $"{Type} #{RequestId} {Message}";
}
