using System.Text;
using Parley.Protocol.Messages;

namespace Parley.Client;

/// <summary>Protocol values as front ends show them to people.</summary>
public static class ProtocolNames
{
    /// <summary>The name the protocol documents: <c>NickInUse</c> reads <c>NICK_IN_USE</c>; an unknown code, <c>ERROR_42</c>.</summary>
    public static string Of(ErrorCode code)
    {
        if (!Enum.IsDefined(code))
        {
            return $"ERROR_{(int)code}";
        }

        string name = code.ToString();
        var sb = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]) && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1])))
            {
                sb.Append('_');
            }

            sb.Append(char.ToUpperInvariant(name[i]));
        }

        return sb.ToString();
    }

    /// <summary>A quit reason in words: <c>connection lost</c>, <c>slow consumer</c>, ...</summary>
    public static string Of(QuitReason reason) => reason switch
    {
        QuitReason.Left => "left",
        QuitReason.ConnectionLost => "connection lost",
        QuitReason.TimedOut => "timed out",
        QuitReason.SlowConsumer => "slow consumer",
        QuitReason.ServerShuttingDown => "server shutting down",
        QuitReason.ProtocolError => "protocol error",
        QuitReason.Banned => "banned",
        _ => "quit",
    };

    /// <summary>A duration as people read it, to its two largest units: <c>42 s</c>, <c>5 min 3 s</c>, <c>2 h 10 min</c>, <c>3 d 4 h</c>.</summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        var c = System.Globalization.CultureInfo.InvariantCulture;
        return span.TotalDays >= 1 ? Two(c, (int)span.TotalDays, "d", span.Hours, "h")
            : span.TotalHours >= 1 ? Two(c, span.Hours, "h", span.Minutes, "min")
            : span.TotalMinutes >= 1 ? Two(c, span.Minutes, "min", span.Seconds, "s")
            : string.Create(c, $"{span.Seconds} s");
    }

    private static string Two(IFormatProvider c, int big, string bigUnit, int small, string smallUnit) =>
        small > 0 ? string.Create(c, $"{big} {bigUnit} {small} {smallUnit}") : string.Create(c, $"{big} {bigUnit}");
}
