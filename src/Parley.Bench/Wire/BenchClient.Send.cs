using System.Diagnostics;
using System.Net.Sockets;

namespace Parley.Bench.Wire;

internal sealed partial class BenchClient
{
    /// <summary>Most Say frames written with one system call.</summary>
    private const int MaxFramesPerWrite = 64;

    private byte[]? _scratch;

    /// <summary>Messages this connection has written (windowed or paced).</summary>
    public long Sent { get; private set; }

    /// <summary>
    /// Sends <paramref name="count"/> messages as fast as the server acknowledges them, with at most
    /// <paramref name="window"/> unacknowledged at any time; frames are written in batches of up to
    /// <see cref="MaxFramesPerWrite"/>, one system call each.
    /// </summary>
    /// <param name="template">The message to send.</param>
    /// <param name="count">How many.</param>
    /// <param name="window">Most messages in flight.</param>
    /// <param name="idBase">First client message id; consecutive ids follow.</param>
    public async Task SendWindowedAsync(SayTemplate template, long count, int window, ulong idBase)
    {
        int frames = Math.Min(window, MaxFramesPerWrite);
        byte[] batch = new byte[template.Length * frames];
        long sent = 0;
        long answeredBefore = Acked + Refused;
        while (sent < count)
        {
            long inFlight = sent - (Acked + Refused - answeredBefore);
            if (inFlight >= window)
            {
                if (_closed)
                {
                    throw new IOException($"{Nick}: connection closed with {inFlight} messages in flight ({ClosedBecause})");
                }

                await _acks.WaitAsync().ConfigureAwait(false);
                continue;
            }

            int n = (int)Math.Min(Math.Min(window - inFlight, count - sent), frames);
            long now = Stopwatch.GetTimestamp();
            for (int i = 0; i < n; i++)
            {
                template.WriteTo(batch.AsSpan(i * template.Length), NextRequestId(), now, idBase + (ulong)(sent + i));
            }

            await SendAsync(batch.AsMemory(0, n * template.Length)).ConfigureAwait(false);
            sent += n;
            Sent += n;
        }
    }

    /// <summary>
    /// Writes one message stamped with its intended send time, blocking: for the paced sender
    /// thread, where a server that stops reading must delay the messages after it (and so show up
    /// in their latency) rather than let them pile up in the bench.
    /// </summary>
    public void SendStamped(SayTemplate template, long intended, ulong clientMsgId)
    {
        byte[] scratch = _scratch ??= new byte[template.Length];
        template.WriteTo(scratch, NextRequestId(), intended, clientMsgId);
        _sendGate.Wait();
        try
        {
            if (Path == ReceivePath.Epoll)
            {
                SendBlocking(scratch);
            }
            else
            {
                _stream.Write(scratch);
            }
        }
        finally
        {
            _sendGate.Release();
        }

        Sent++;
    }

    private async ValueTask SendAsync(ReadOnlyMemory<byte> data)
    {
        if (Path == ReceivePath.Epoll)
        {
            // Blocking, on the caller's thread: an async send that met a full buffer would register
            // the socket with .NET's epoll engine. Senders keep a bounded window in flight, so the
            // kernel's send buffer is rarely full and the block is short.
            _sendGate.Wait();
            try
            {
                SendBlocking(data.Span);
            }
            finally
            {
                _sendGate.Release();
            }

            return;
        }

        await _sendGate.WaitAsync().ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(data).ConfigureAwait(false);
        }
        finally
        {
            _sendGate.Release();
        }
    }

    /// <summary>A pong or another reply the receive loop owes; a failure only means the connection is going away.</summary>
    private async Task SendQuietlyAsync(byte[] frame)
    {
        try
        {
            await SendAsync(frame).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
        {
            ClosedBecause ??= ex.Message;
        }
    }
}
