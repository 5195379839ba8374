using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Parley.Protocol;

namespace Parley.Client;

/// <summary>A server address as users write it: <c>host</c>, <c>host:port</c>, <c>[::1]:port</c> or a bare IPv6 address.</summary>
public readonly record struct ParleyEndpoint(string Host, int Port)
{
    /// <summary>Parses <paramref name="text"/>, using <paramref name="defaultPort"/> when it names none.</summary>
    /// <exception cref="FormatException">The text is not a host with an optional port.</exception>
    public static ParleyEndpoint Parse(string text, int defaultPort = ProtocolConstants.DefaultPort) =>
        TryParse(text, defaultPort, out ParleyEndpoint endpoint, out string? error) ? endpoint : throw new FormatException(error);

    public static bool TryParse(
        string? text, int defaultPort, out ParleyEndpoint endpoint, [NotNullWhen(false)] out string? error)
    {
        endpoint = default;
        error = null;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            error = "the address is empty";
            return false;
        }

        string host;
        string? port = null;
        if (text[0] == '[')
        {
            int close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || (close + 1 < text.Length && text[close + 1] != ':'))
            {
                error = $"'{text}' is not [IPv6]:port";
                return false;
            }

            host = text[1..close];
            port = close + 1 < text.Length ? text[(close + 2)..] : null;
        }
        else if (text.Count(c => c == ':') == 1)
        {
            int colon = text.IndexOf(':', StringComparison.Ordinal);
            host = text[..colon];
            port = text[(colon + 1)..];
        }
        else
        {
            // No colon: a host name or IPv4 address. Several: a bare IPv6 address, which can't carry a port.
            host = text;
        }

        if (Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            error = $"'{host}' is not a host name or IP address";
            return false;
        }

        int number = defaultPort;
        if (port is not null && (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out number) || number is < 1 or > 65535))
        {
            error = $"'{port}' is not a port number (1-65535)";
            return false;
        }

        endpoint = new ParleyEndpoint(host, number);
        return true;
    }

    public override string ToString() => Host.Contains(':', StringComparison.Ordinal)
        ? string.Create(CultureInfo.InvariantCulture, $"[{Host}]:{Port}")
        : string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}");
}
