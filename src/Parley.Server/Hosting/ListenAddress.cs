using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using Parley.Protocol;

namespace Parley.Server.Hosting;

/// <summary>One <c>--listen</c> value: an IP address (or <c>*</c> for all) and a port.</summary>
public readonly record struct ListenAddress(IPAddress? Address, int Port)
{
    /// <summary>True for <c>*:PORT</c>: every address, IPv4 and IPv6.</summary>
    public bool IsAny => Address is null;

    public override string ToString() => Address switch
    {
        null => $"*:{Port}",
        { AddressFamily: System.Net.Sockets.AddressFamily.InterNetworkV6 } => $"[{Address}]:{Port}",
        _ => $"{Address}:{Port}",
    };

    /// <summary>
    /// Parses <c>1.2.3.4:7275</c>, <c>[::1]:7275</c>, <c>*:7275</c>, a bare address (default port)
    /// or a bare <c>:PORT</c>. Host names are refused: a server binds addresses, and a name could
    /// resolve to something else tomorrow.
    /// </summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out ListenAddress? result, out string error)
    {
        result = null;
        error = string.Empty;
        text = text.Trim();
        string host = text;
        int port = ProtocolConstants.DefaultPort;

        int colon = text.LastIndexOf(':');
        bool bracketed = text.StartsWith('[');
        if (bracketed)
        {
            int close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                error = $"'{text}': missing ']'";
                return false;
            }

            host = text[1..close];
            string rest = text[(close + 1)..];
            if (rest.Length > 0 && (!rest.StartsWith(':') || !TryPort(rest[1..], out port)))
            {
                error = $"'{text}': expected [ADDRESS]:PORT";
                return false;
            }
        }
        else if (colon >= 0 && text.IndexOf(':', StringComparison.Ordinal) == colon)
        {
            host = text[..colon];
            if (!TryPort(text[(colon + 1)..], out port))
            {
                error = $"'{text}': the port must be 0 to 65535";
                return false;
            }
        }

        if (host is "*" or "")
        {
            result = new ListenAddress(null, port);
            return true;
        }

        if (!IPAddress.TryParse(host, out IPAddress? address))
        {
            error = $"'{text}': '{host}' is not an IP address (use 0.0.0.0, [::] or * for all addresses)";
            return false;
        }

        result = new ListenAddress(address, port);
        return true;
    }

    private static bool TryPort(string s, out int port) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 0 and <= 65535;
}
