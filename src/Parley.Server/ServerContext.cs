using Microsoft.Extensions.Logging;
using Parley.Server.Chat;
using Parley.Server.Connections;

namespace Parley.Server;

/// <summary>The server-wide pieces every connection uses.</summary>
internal sealed class ServerContext
{
    public ServerContext(ServerOptions options, TimeProvider time, ILogger logger, ServerMetrics metrics)
    {
        Options = options;
        Time = time;
        Logger = logger;
        Metrics = metrics;
        Hub = new Hub(this);
        Connections = new ConnectionManager(this);
    }

    public ServerOptions Options { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    public ServerMetrics Metrics { get; }

    public Hub Hub { get; }

    public ConnectionManager Connections { get; }
}
