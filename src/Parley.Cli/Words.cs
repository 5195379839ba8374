using System.Text;
using Parley.Client;
using Parley.Protocol.Messages;

namespace Parley.Cli;

/// <summary>How protocol values read in the CLI's output.</summary>
internal static class Words
{
    /// <summary>The proto name without its prefix: <c>NickInUse</c> reads <c>NICK_IN_USE</c>.</summary>
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
        _ => "quit",
    };

    /// <summary>Why a connection ended, for <c>-- disconnected: ...</c> and error messages.</summary>
    public static string Of(DisconnectInfo info)
    {
        string words = info.Reason != QuitReason.Unspecified || info.Error == ErrorCode.Unspecified
            ? Of(info.Reason)
            : Of(info.Error);
        string message = Safe(info.Message);
        return message.Length > 0 ? $"{words} ({message})" : words;
    }

    /// <summary>Seconds with one decimal, invariant: <c>2.1 s</c>.</summary>
    public static string Seconds(TimeSpan span) =>
        span.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " s";

    /// <summary>Every string from the network passes through here before it reaches the terminal.</summary>
    public static string Safe(string text) => Parley.Protocol.ContentRules.NeutralizeText(text);
}
