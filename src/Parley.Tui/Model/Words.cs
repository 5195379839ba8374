using Parley.Client;
using Parley.Protocol;
using Parley.Protocol.Messages;
using Parley.Tui.Text;

namespace Parley.Tui.Model;

/// <summary>Protocol values in words, for log lines.</summary>
internal static class Words
{
    /// <inheritdoc cref="ProtocolNames.Of(ErrorCode)"/>
    public static string Of(ErrorCode code) => ProtocolNames.Of(code);

    /// <inheritdoc cref="ProtocolNames.Of(QuitReason)"/>
    public static string Of(QuitReason reason) => ProtocolNames.Of(reason);

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
