using System.Buffers;

namespace Parley.Benchmarks;

/// <summary>Builds multi-segment sequences, the shape a pipe hands over when a frame arrived in several reads.</summary>
internal static class Segments
{
    public static ReadOnlySequence<byte> Split(byte[] data, params ReadOnlySpan<int> cuts)
    {
        var first = new Segment(data.AsMemory(0, cuts[0]), 0);
        Segment last = first;
        for (int i = 1; i <= cuts.Length; i++)
        {
            int end = i < cuts.Length ? cuts[i] : data.Length;
            last = last.Append(data.AsMemory(cuts[i - 1], end - cuts[i - 1]));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
