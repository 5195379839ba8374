using System.Buffers;

namespace Parley.Protocol.Tests.Support;

/// <summary>
/// Builds multi-segment <see cref="ReadOnlySequence{T}"/>s, the shape a <c>PipeReader</c> hands
/// the parser when a frame arrived in several reads.
/// </summary>
public static class Segments
{
    /// <summary>One segment per chunk, in order; empty chunks become empty segments.</summary>
    public static ReadOnlySequence<byte> FromChunks(IReadOnlyList<ReadOnlyMemory<byte>> chunks)
    {
        if (chunks.Count == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(chunks[0], 0);
        Segment last = first;
        for (int i = 1; i < chunks.Count; i++)
        {
            last = last.Append(chunks[i]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Splits <paramref name="data"/> at the given offsets (ascending, duplicates give empty segments).</summary>
    public static ReadOnlySequence<byte> Split(byte[] data, IEnumerable<int> cuts)
    {
        var chunks = new List<ReadOnlyMemory<byte>>();
        int start = 0;
        foreach (int cut in cuts)
        {
            chunks.Add(data.AsMemory(start, cut - start));
            start = cut;
        }

        chunks.Add(data.AsMemory(start));
        return FromChunks(chunks);
    }

    /// <summary>Every byte in a segment of its own, each copied into its own array.</summary>
    public static ReadOnlySequence<byte> OneBytePerSegment(byte[] data) =>
        FromChunks(data.Select(b => (ReadOnlyMemory<byte>)new[] { b }).ToList());

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            // Copy each chunk so that a parser reading past a segment's end would see garbage
            // (or fault), not the neighbouring bytes of one shared array.
            Memory = memory.ToArray();
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
