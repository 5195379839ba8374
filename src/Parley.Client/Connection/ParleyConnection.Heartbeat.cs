using System.Globalization;
using Parley.Protocol.Messages;

namespace Parley.Client;

public sealed partial class ParleyConnection
{
    private void StartHeartbeat(ServerLimits? limits)
    {
        TimeSpan? ping = _options.PingInterval ?? Milliseconds(limits?.PingIntervalMs);
        TimeSpan? idle = _options.IdleTimeout ?? Milliseconds(limits?.IdleTimeoutMs);
        ping ??= idle / 3;
        if (ping is not { } interval || interval <= TimeSpan.Zero || interval == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        // An idle timeout no longer than the ping interval would close before the ping could be answered.
        TimeSpan deadline = idle is { } i && i > interval ? i : interval * 3;
        _heartbeatLoop = HeartbeatLoopAsync(interval, deadline, _heartbeatStop.Token);
    }

    private static TimeSpan? Milliseconds(uint? ms) => ms is > 0 ? TimeSpan.FromMilliseconds(ms.Value) : null;

    /// <summary>
    /// Pings after <paramref name="pingInterval"/> of silence (any bytes from the server count as a sign of
    /// life, not only pongs) and aborts after <paramref name="idleTimeout"/> of silence: a dead peer or a
    /// half-open TCP connection shows up here, since TCP alone would not tell us for many minutes.
    /// </summary>
    private async Task HeartbeatLoopAsync(TimeSpan pingInterval, TimeSpan idleTimeout, CancellationToken cancellationToken)
    {
        long pingedFor = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                long heard = Volatile.Read(ref _lastReceived);
                TimeSpan silence = _time.GetElapsedTime(heard);
                if (silence >= idleTimeout)
                {
                    ClientLog.IdleTimeout(_logger, ConnectionId, silence);
                    Abort(new DisconnectInfo(QuitReason.TimedOut, string.Create(
                        CultureInfo.InvariantCulture, $"nothing heard from the server for {silence.TotalSeconds:0.#} s")));
                    return;
                }

                if (silence >= pingInterval && pingedFor != heard)
                {
                    pingedFor = heard;
                    _ = HeartbeatPingAsync(cancellationToken);
                }

                TimeSpan wait = silence < pingInterval ? pingInterval - silence : idleTimeout - silence;
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The connection is closing.
        }
    }

    private async Task HeartbeatPingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await PingAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Protocol.ParleyException or OperationCanceledException)
        {
            // The reply itself doesn't matter, only that something arrives; silence is the loop's business.
        }
    }
}
