using System.Buffers;
using BenchmarkDotNet.Attributes;
using Parley.Protocol;
using Parley.Protocol.Messages;

namespace Parley.Benchmarks.Frames;

/// <summary>
/// The write path: <see cref="FrameWriter.Write"/> into a reused buffer writer (a connection's pipe)
/// and <see cref="FrameWriter.Encode"/> into a new array (fan-out encodes once per room message).
/// <see cref="ProtobufOnly"/> is the floor: the payload alone, into a preallocated array.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class FrameWriteBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private Delivered _message = null!;
    private byte[] _scratch = null!;

    /// <summary>Message text length in characters (ASCII, so also bytes).</summary>
    [Params(32, 1024, 16384)]
    public int TextLength { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _message = SampleDelivered.Create(TextLength);
        _scratch = new byte[_message.CalculateSize()];
    }

    [Benchmark(Baseline = true)]
    public int ProtobufOnly()
    {
        Google.Protobuf.MessageExtensions.WriteTo(_message, _scratch.AsSpan(0, _message.CalculateSize()));
        return _scratch.Length;
    }

    [Benchmark]
    public int Write_to_buffer_writer()
    {
        _output.ResetWrittenCount();
        FrameWriter.Write(_output, FrameType.Delivered, 0, _message);
        return _output.WrittenCount;
    }

    [Benchmark]
    public byte[] Encode_to_new_array() => FrameWriter.Encode(FrameType.Delivered, 0, _message);
}
