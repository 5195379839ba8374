using System.Text;
using Parley.Client;
using Parley.Protocol;
using Parley.Protocol.Messages;
using Parley.Tui.Text;

namespace Parley.Tui.Model;

/// <summary>Protocol values in words, for log lines.</summary>
internal static class Words
{
    /// <summary><c>NickInUse</c> reads <c>NICK_IN_USE</c>, as the protocol names it.</summary>
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

    public static string Of(QuitReason reason) => reason switch
    {
        QuitReason.Left => "left",
        QuitReason.ConnectionLost => "connection lost",
        QuitReason.TimedOut => "timed out",
        QuitReason.SlowConsumer => "slow consumer",
        QuitReason.ServerShuttingDown => "server shutting down",
        QuitReason.ProtocolError => "protocol error",
        _ => "quit",
    };

    /// <summary>Why a connection ended (safe to draw).</summary>
    public static string Of(DisconnectInfo info)
    {
        string words = info.Reason != QuitReason.Unspecified || info.Error == ErrorCode.Unspecified ? Of(info.Reason) : Of(info.Error);
        string message = TerminalText.Line(info.Message);
        return message.Length > 0 ? $"{words} ({message})" : words;
    }

    /// <summary><c>1 member</c>, <c>3 members</c>.</summary>
    public static string Count(long n, string noun) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{n} {noun}{(n == 1 ? string.Empty : "s")}");

    /// <summary>A failed request in words (safe to draw).</summary>
    public static string Of(Exception ex) => ex switch
    {
        ParleyRequestException r => $"{Of(r.Code)}: {TerminalText.Line(r.Message)}",
        ParleyConnectionException { Info: { } info } => $"the connection closed: {Of(info)}",
        ParleyException p => TerminalText.Line(p.Message),
        OperationCanceledException => "cancelled",
        _ => TerminalText.Line(ex.Message),
    };
}
