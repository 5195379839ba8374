using System.CommandLine;
using Parley.Client;
using Parley.Protocol;

namespace Parley.Cli;

/// <summary>Arguments and options several client commands share, so they read and parse the same way.</summary>
internal static class CommonOptions
{
    /// <summary>The client name sent in Hello.</summary>
    public const string ClientName = "parley-cli/0.1";

    /// <summary><c>HOST[:PORT]</c>: <c>host</c>, <c>host:port</c>, <c>[::1]:port</c>; the port defaults to 7275.</summary>
    public static Argument<ParleyEndpoint> Server() => new("server")
    {
        HelpName = "HOST[:PORT]",
        Description = $"The server: host, host:port or [IPv6]:port (default port {ProtocolConstants.DefaultPort})",
        CustomParser = result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (ParleyEndpoint.TryParse(text, ProtocolConstants.DefaultPort, out ParleyEndpoint endpoint, out string? error))
            {
                return endpoint;
            }

            result.AddError(error);
            return default;
        },
    };

    public static Option<string> Name(string description) => new("--name", "-n")
    {
        Description = description,
        DefaultValueFactory = _ => string.Empty,
    };

    public static Option<double> Timeout(double seconds) => new("--timeout")
    {
        Description = $"Give up after this many seconds (default {seconds})",
        DefaultValueFactory = _ => seconds,
    };
}
