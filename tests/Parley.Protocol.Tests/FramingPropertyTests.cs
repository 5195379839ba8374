using System.Buffers;
using CsCheck;
using Parley.Protocol.Messages;
using Parley.Protocol.Tests.Support;

namespace Parley.Protocol.Tests;

/// <summary>
/// However a stream of frames is cut up by the network, the reader yields the same frames; and
/// no input makes the codec fail with anything but a <see cref="ProtocolViolationException"/>.
/// </summary>
public class FramingPropertyTests
{
    private const int Iterations = 400;

    [Fact]
    public void Generators_cover_every_frame_type_once()
    {
        FrameType[] generated = [.. FrameGen.Messages.Select(g => MessageCodec.TypeOf(Check.Single(g)))];

        Assert.Equal(Enum.GetValues<FrameType>().Order(), generated.Order());
    }

    [Fact]
    public void Random_frames_cut_into_random_segments_decode_to_the_same_frames()
    {
        Gen.Select(FrameGen.Frame.Array[1, 8], FrameGen.CutFractions).Sample((frames, fractions) =>
        {
            byte[] stream = Wire.Write(frames);
            ReadOnlySequence<byte> buffer = Segments.Split(stream, FrameGen.Cuts(fractions, stream.Length));

            List<DecodedFrame> read = Wire.ReadAll(ref buffer);

            Assert.Equal(frames, read);
            Assert.Equal(0, buffer.Length);
        }, iter: Iterations);
    }

    [Fact]
    public void Random_frames_arriving_in_random_reads_decode_to_the_same_frames()
    {
        Gen.Select(FrameGen.Frame.Array[1, 8], FrameGen.CutFractions).Sample((frames, fractions) =>
        {
            byte[] stream = Wire.Write(frames);

            Assert.Equal(frames, ReadLoop.Run(stream, FrameGen.Cuts(fractions, stream.Length)));
        }, iter: Iterations);
    }

    [Fact]
    public void Every_frame_type_in_one_stream_split_at_every_byte_boundary_decodes_the_same()
    {
        DecodedFrame[] frames = [.. SampleFrames.All];
        byte[] stream = Wire.Write(frames);
        for (int cut = 0; cut <= stream.Length; cut++)
        {
            Assert.Equal(frames, ReadLoop.Run(stream, [cut]));
        }
    }

    [Fact]
    public void Every_frame_type_in_one_stream_arriving_a_byte_at_a_time_decodes_the_same()
    {
        DecodedFrame[] frames = [.. SampleFrames.All];
        byte[] stream = Wire.Write(frames);

        Assert.Equal(frames, ReadLoop.Run(stream, [.. Enumerable.Range(1, stream.Length - 1)]));
    }

    [Fact]
    public void Random_payload_bytes_decode_or_fail_as_a_protocol_violation()
    {
        Gen.Select(Gen.OneOf(Enum.GetValues<FrameType>()), Gen.Byte.Array[0, 64]).Sample((type, payload) =>
        {
            var frame = new Frame(new FrameHeader((uint)payload.Length, type, FrameFlags.None, 1), new ReadOnlySequence<byte>(payload));
            try
            {
                MessageCodec.Decode(frame);
            }
            catch (ProtocolViolationException ex)
            {
                Assert.True(ex.Code is ErrorCode.MalformedFrame or ErrorCode.InvalidUtf8, $"unexpected code {ex.Code}");
            }
        }, iter: 2000);
    }

    [Fact]
    public void Random_bytes_read_as_frames_or_fail_as_a_protocol_violation()
    {
        Gen.Select(Gen.Byte.Array[0, 48], Gen.Int[0, 64]).Sample((bytes, max) =>
        {
            var buffer = new ReadOnlySequence<byte>(bytes);
            try
            {
                while (FrameReader.TryRead(ref buffer, max, out Frame frame))
                {
                    Assert.True(frame.Payload.Length <= max);
                    Assert.Equal(frame.Header.PayloadLength, (uint)frame.Payload.Length);
                }
            }
            catch (ProtocolViolationException ex)
            {
                Assert.True(ex.Code is ErrorCode.FrameTooLarge or ErrorCode.MalformedFrame or ErrorCode.UnknownFrameType, $"unexpected code {ex.Code}");
            }
        }, iter: 2000);
    }
}
