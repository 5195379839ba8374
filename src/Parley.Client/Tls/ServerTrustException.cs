using System.Globalization;
using Parley.Protocol;

namespace Parley.Client;

/// <summary>Why a server's identity was not accepted.</summary>
public enum ServerTrustFailure
{
    /// <summary>No public chain for the name and no pin: the server is unknown, and nobody was asked (or could be).</summary>
    Unknown,

    /// <summary>The user was asked about the unknown server and said no.</summary>
    Declined,

    /// <summary>The server presented a key other than the one pinned for it: a hard failure, never asked about.</summary>
    Changed,

    /// <summary>The server presented a key other than the one given with <c>--trust</c>.</summary>
    NotTrusted,
}

/// <summary>
/// The server's certificate was refused: the connection was closed as the TLS handshake ended, before a single
/// byte of ours (not even the Hello) was sent. Reconnecting would meet the same certificate, so sessions stop.
/// </summary>
public sealed class ServerTrustException : ParleyException
{
    public ServerTrustException() : this("the server's identity was not accepted") { }

    public ServerTrustException(string message) : base(message) { }

    public ServerTrustException(string message, Exception? inner) : base(message, inner) { }

    private ServerTrustException(ServerTrustFailure failure, string server, string presented, string? expected, string summary, string message)
        : base(message)
    {
        Failure = failure;
        Server = server;
        Presented = presented;
        Expected = expected;
        Summary = summary;
    }

    public ServerTrustFailure Failure { get; }

    /// <summary>The server as the pin store names it (<c>host:port</c>).</summary>
    public string Server { get; } = string.Empty;

    /// <summary>The fingerprint it presented.</summary>
    public string Presented { get; } = string.Empty;

    /// <summary>The fingerprint expected (pinned, or given with <c>--trust</c>), when there was one.</summary>
    public string? Expected { get; }

    /// <summary>One line for status bars; <see cref="Exception.Message"/> has the whole explanation, over several lines.</summary>
    public string Summary { get; } = string.Empty;

    internal static ServerTrustException Unknown(string server, string presented, string knownServers) => new(
        ServerTrustFailure.Unknown, server, presented, null,
        $"{server} is an unknown server (fingerprint {presented}); not connecting",
        $"""
        {server} is not a known server: its certificate is not from an authority this machine trusts for that
        name, and no fingerprint is pinned for it in {knownServers}. It presented:
            {presented}
        Compare that with the server's own fingerprint (its operator can print it with `parley admin fingerprint`).
        If they match, connect again with --trust {presented} (which pins it), or from a terminal to be asked.
        (--trust-on-first-use pins whatever answers the first time, without comparing.)
        """);

    internal static ServerTrustException Declined(string server, string presented) => new(
        ServerTrustFailure.Declined, server, presented, null,
        $"{server} was not trusted (fingerprint {presented}); not connecting",
        $"You did not trust {server} (fingerprint {presented}); nothing was sent to it.");

    internal static ServerTrustException NotTrusted(string server, string presented, string expected) => new(
        ServerTrustFailure.NotTrusted, server, presented, expected,
        $"{server} presented {presented}, not the fingerprint given with --trust; not connecting",
        $"""
        {server} presented the fingerprint
            {presented}
        but --trust said to accept only
            {expected}
        Nothing was sent. Either the fingerprint given is wrong, or someone between you and the server is
        pretending to be it. Check the fingerprint with the server's operator (`parley admin fingerprint`).
        """);

    internal static ServerTrustException Changed(string server, string presented, string expected, KnownServer? pin, string knownServers)
    {
        string where = pin is null
            ? "accepted earlier in this session"
            : string.Create(CultureInfo.InvariantCulture, $"pinned on line {pin.Line} of {knownServers}");
        string fix = pin is null
            ? "restart the client to connect again"
            : string.Create(CultureInfo.InvariantCulture, $"""
                forget the old one with
                    parley trust --forget {server}
                (or delete line {pin.Line} of {knownServers}) and connect again with --trust {presented}
                """);
        return new ServerTrustException(
            ServerTrustFailure.Changed, server, presented, expected,
            $"the identity of {server} has CHANGED (expected {expected}, got {presented}); not connecting",
            $"""
            WARNING: THE IDENTITY OF {server} HAS CHANGED.
            It presented    {presented}
            but the key {where} is
                            {expected}
            Someone may be intercepting your connection (a man-in-the-middle attack) to read or change what you
            send, or the server's operator replaced its key. Nothing was sent. Ask the operator for the server's
            fingerprint (`parley admin fingerprint` on the server). Only if it is the new one above,
            {fix}
            """);
    }
}
