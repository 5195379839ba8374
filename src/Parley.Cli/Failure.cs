using System.Net.Sockets;
using Parley.Client;
using Parley.Protocol;

namespace Parley.Cli;

/// <summary>Turns the ways a one-shot command can fail into one line for stderr.</summary>
internal static class Failure
{
    /// <summary>A description of <paramref name="ex"/>, or <c>null</c> for exceptions that are bugs (let them surface).</summary>
    public static string? Describe(Exception ex, CancellationTokenSource deadline, CancellationToken interrupted) => ex switch
    {
        // Several lines: what happened, the risk, and what to do.
        ServerTrustException t => t.Message,
        ParleyRequestException r => $"the server refused: {Words.Of(r.Code)}: {Words.Safe(r.Message)}",
        ParleyConnectionException { Info: { } info } => $"the connection closed: {Words.Of(info)}",
        ParleyConnectionException c => Words.Safe(c.Message),
        ParleyTimeoutException t => t.Message,
        OperationCanceledException when interrupted.IsCancellationRequested => "interrupted",
        OperationCanceledException when deadline.IsCancellationRequested => "timed out",
        ParleyException p => Words.Safe(p.Message),
        SocketException or IOException => ex.Message,
        _ => null,
    };
}
