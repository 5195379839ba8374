using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using Google.Protobuf;
using Parley.Protocol;
using Parley.Protocol.Messages;

namespace Parley.Bench.Wire;

internal sealed partial class BenchClient
{
    private long _delivered;
    private ulong _lastSeq;
    private long _missing;
    private long _outOfOrder;
    private long _lastReceipt;
    private long _acked;
    private long _refused;
    private long _malformed;
    private long _reads;

    /// <summary>Where this connection records latencies (Stopwatch ticks from the stamp in the text); null: not recorded.</summary>
    public LatencyHistogram? Latency { get; set; }

    /// <summary>Messages stamped before this Stopwatch timestamp (the warm-up) are counted but not recorded.</summary>
    public long RecordFrom { get; set; }

    /// <summary>Delivered frames received.</summary>
    public long Delivered => Volatile.Read(ref _delivered);

    /// <summary>Sequence numbers skipped: messages this member never got.</summary>
    public long Missing => Volatile.Read(ref _missing);

    /// <summary>Delivered frames whose sequence number was not above the previous one.</summary>
    public long OutOfOrder => Volatile.Read(ref _outOfOrder);

    /// <summary>Stopwatch timestamp of the read that brought the last Delivered.</summary>
    public long LastReceipt => Volatile.Read(ref _lastReceipt);

    /// <summary>Sent replies received (messages the server stored).</summary>
    public long Acked => Volatile.Read(ref _acked);

    /// <summary>Error replies to messages (the server refused to store them).</summary>
    public long Refused => Volatile.Read(ref _refused);

    /// <summary>Receive calls that returned data: deliveries per read says how well reads are batched.</summary>
    public long Reads => Volatile.Read(ref _reads);

    /// <summary>Called by the receive loop with every Sent reply to a message and its read's timestamp (the ack mode's latency).</summary>
    public SentObserver? OnSent { get; set; }

    /// <summary>Delivered payloads the scan could not read.</summary>
    public long Malformed => Volatile.Read(ref _malformed);

    private async Task ReceiveLoopAsync()
    {
        int filled = 0;
        try
        {
            while (true)
            {
                if (_resume is { } resume)
                {
                    await resume.Task.ConfigureAwait(false);
                    _resume = null;
                }

                // One read takes whatever the kernel holds, up to the buffer: under load that is
                // hundreds of frames per system call.
                int read = await _stream.ReadAsync(_buffer.AsMemory(filled)).ConfigureAwait(false);
                if (read == 0)
                {
                    ClosedBecause ??= "the server closed the connection";
                    return;
                }

                long now = Stopwatch.GetTimestamp();
                _reads++;
                filled += read;
                int used = Parse(_buffer.AsSpan(0, filled), now);
                filled -= used;
                if (filled > 0 && used > 0)
                {
                    // A partial frame: move it to the front and read the rest behind it.
                    Buffer.BlockCopy(_buffer, used, _buffer, 0, filled);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            ClosedBecause ??= _closed ? "closed by the bench" : ex.Message;
        }
        catch (Exception ex) when (ex is InvalidDataException or ProtocolViolationException)
        {
            ClosedBecause ??= "bench receive failed: " + ex.Message;
        }
        finally
        {
            EndReceive();
        }
    }

    /// <summary>Handles every whole frame at the front of <paramref name="data"/>; returns the bytes used.</summary>
    private int Parse(ReadOnlySpan<byte> data, long now)
    {
        int offset = 0;
        bool acked = false;
        while (data.Length - offset >= FrameHeader.Size)
        {
            ReadOnlySpan<byte> frame = data[offset..];
            uint length = BinaryPrimitives.ReadUInt32BigEndian(frame);
            if (length > _buffer.Length - FrameHeader.Size)
            {
                throw new InvalidDataException($"a frame of {length} bytes does not fit the bench's {_buffer.Length}-byte buffer");
            }

            int total = FrameHeader.Size + (int)length;
            if (frame.Length < total)
            {
                break;
            }

            var type = (FrameType)frame[4];
            ReadOnlySpan<byte> payload = frame.Slice(FrameHeader.Size, (int)length);
            switch (type)
            {
                case FrameType.Delivered:
                    OnDelivered(payload, now);
                    break;
                case FrameType.Sent when _reply is null:
                    _acked++;
                    acked = true;
                    OnSent?.Invoke(payload, now);
                    break;
                case FrameType.Presence or FrameType.TopicChanged or FrameType.Pong:
                    break;
                default:
                    acked |= OnOther(type, BinaryPrimitives.ReadUInt32BigEndian(frame[8..]), payload);
                    break;
            }

            offset += total;
        }

        if (acked)
        {
            _acks.Set();
        }

        return offset;
    }

    private void OnDelivered(ReadOnlySpan<byte> payload, long now)
    {
        if (!DeliveredScan.TryRead(payload, out ulong seq, out ReadOnlySpan<byte> text))
        {
            _malformed++;
            return;
        }

        _delivered++;
        _lastReceipt = now;
        if (seq == _lastSeq + 1)
        {
            _lastSeq = seq;
        }
        else if (seq > _lastSeq)
        {
            _missing += (long)(seq - _lastSeq - 1);
            _lastSeq = seq;
        }
        else
        {
            _outOfOrder++;
        }

        if (Latency is { } latency && text.Length >= SayTemplate.StampLength
            && Hex.TryParse(text[..SayTemplate.StampLength], out ulong stamp) && (long)stamp >= RecordFrom)
        {
            latency.Record(Ticks.ToNanoseconds(now - (long)stamp));
        }
    }

    /// <summary>Replies to setup requests, errors, goodbyes, pings: rare, decoded with the codec.</summary>
    /// <returns>True when the frame refused one of our messages (it frees a place in the window).</returns>
    private bool OnOther(FrameType type, uint requestId, ReadOnlySpan<byte> payload)
    {
        var frame = new Frame(new FrameHeader((uint)payload.Length, type, FrameFlags.None, requestId), new ReadOnlySequence<byte>(payload.ToArray()));
        IMessage message = MessageCodec.Decode(frame);
        lock (_replyLock)
        {
            if (requestId != 0 && requestId == _replyId && _reply is { } reply)
            {
                _reply = null;
                reply.TrySetResult(message);
                return false;
            }
        }

        switch (message)
        {
            case Ping ping:
                // On the pool: the receive thread must not block in a send (a polled socket's sends block).
                ThreadPool.UnsafeQueueUserWorkItem(
                    static state => _ = state.Client.SendQuietlyAsync(state.Frame),
                    (Client: this, Frame: FrameWriter.Encode(FrameType.Pong, requestId, new Pong { Nonce = ping.Nonce })), preferLocal: false);
                return false;
            case Error error when requestId != 0:
                _refused++;
                LastRefusal = $"{error.Code}: {error.Message}";
                return true;
            case Error error:
                Evicted |= error.Code == ErrorCode.SlowConsumer;
                ClosedBecause ??= $"server error {error.Code}: {error.Message}";
                return false;
            case Goodbye goodbye:
                Evicted |= goodbye.Reason == QuitReason.SlowConsumer;
                ClosedBecause ??= $"server goodbye {goodbye.Reason}";
                return false;
            default:
                return false;
        }
    }

    /// <summary>See <see cref="OnSent"/>; the payload is only valid during the call.</summary>
    public delegate void SentObserver(ReadOnlySpan<byte> payload, long now);

    /// <summary>The last refusal of a message, for the report.</summary>
    public string? LastRefusal { get; private set; }
}
