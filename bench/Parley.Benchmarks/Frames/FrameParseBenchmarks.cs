using System.Buffers;
using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Parley.Protocol;

namespace Parley.Benchmarks.Frames;

/// <summary>
/// The read path of a connection: <see cref="FrameReader.TryRead"/> then <see cref="MessageCodec.Decode"/>
/// of a Delivered frame, from one segment and from three (the header itself split, as a pipe hands
/// over a frame that arrived in several reads). <see cref="SliceHeaderOnly"/> is the floor: read the
/// length and slice, nothing validated or decoded.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class FrameParseBenchmarks
{
    private ReadOnlySequence<byte> _single;
    private ReadOnlySequence<byte> _multi;

    /// <summary>Message text length in characters (ASCII, so also bytes): a chat line, a paste, the maximum.</summary>
    [Params(32, 1024, 16384)]
    public int TextLength { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        byte[] frame = FrameWriter.Encode(FrameType.Delivered, 0, SampleDelivered.Create(TextLength));
        _single = new ReadOnlySequence<byte>(frame);
        int payloadMiddle = FrameHeader.Size + (frame.Length - FrameHeader.Size) / 2;
        _multi = Segments.Split(frame, 6, payloadMiddle);
    }

    [Benchmark(Baseline = true)]
    public long SliceHeaderOnly()
    {
        ReadOnlySequence<byte> buffer = _single;
        uint length = BinaryPrimitives.ReadUInt32BigEndian(buffer.FirstSpan);
        ReadOnlySequence<byte> payload = buffer.Slice(FrameHeader.Size, length);
        return payload.Length;
    }

    [Benchmark]
    public long TryRead_single_segment()
    {
        ReadOnlySequence<byte> buffer = _single;
        FrameReader.TryRead(ref buffer, ProtocolConstants.DefaultMaxFramePayload, out Frame frame);
        return frame.Payload.Length;
    }

    [Benchmark]
    public IMessage TryRead_and_decode_single_segment()
    {
        ReadOnlySequence<byte> buffer = _single;
        FrameReader.TryRead(ref buffer, ProtocolConstants.DefaultMaxFramePayload, out Frame frame);
        return MessageCodec.Decode(frame);
    }

    [Benchmark]
    public long TryRead_three_segments()
    {
        ReadOnlySequence<byte> buffer = _multi;
        FrameReader.TryRead(ref buffer, ProtocolConstants.DefaultMaxFramePayload, out Frame frame);
        return frame.Payload.Length;
    }

    [Benchmark]
    public IMessage TryRead_and_decode_three_segments()
    {
        ReadOnlySequence<byte> buffer = _multi;
        FrameReader.TryRead(ref buffer, ProtocolConstants.DefaultMaxFramePayload, out Frame frame);
        return MessageCodec.Decode(frame);
    }
}
