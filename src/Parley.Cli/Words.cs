using Parley.Client;
using Parley.Protocol.Messages;

namespace Parley.Cli;

/// <summary>How protocol values read in the CLI's output.</summary>
internal static class Words
{
    /// <inheritdoc cref="ProtocolNames.Of(ErrorCode)"/>
    public static string Of(ErrorCode code) => ProtocolNames.Of(code);

    /// <inheritdoc cref="ProtocolNames.Of(QuitReason)"/>
    public static string Of(QuitReason reason) => ProtocolNames.Of(reason);

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
