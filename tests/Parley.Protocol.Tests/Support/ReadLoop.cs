using System.Buffers;

namespace Parley.Protocol.Tests.Support;

/// <summary>
/// Drives <see cref="FrameReader.TryRead"/> the way a <c>PipeReader</c> loop does: bytes arrive in
/// reads, the buffer is everything not yet consumed (one segment per read), whole frames are taken
/// off the front and the rest waits for the next read.
/// </summary>
public static class ReadLoop
{
    /// <param name="stream">All the bytes the peer sent.</param>
    /// <param name="readEnds">Ascending offsets at which each read but the last ends.</param>
    public static List<DecodedFrame> Run(byte[] stream, IReadOnlyList<int> readEnds)
    {
        var frames = new List<DecodedFrame>();
        var arrivals = new List<int>(readEnds) { stream.Length };
        int consumed = 0;
        for (int read = 0; read < arrivals.Count; read++)
        {
            int end = arrivals[read];
            var cuts = arrivals.Take(read).Where(c => c > consumed).Select(c => c - consumed);
            ReadOnlySequence<byte> buffer = Segments.Split(stream[consumed..end], cuts);

            frames.AddRange(Wire.ReadAll(ref buffer));

            consumed = end - (int)buffer.Length;
        }

        Assert.Equal(stream.Length, consumed);
        return frames;
    }
}
