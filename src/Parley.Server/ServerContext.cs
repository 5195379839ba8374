using Microsoft.Extensions.Logging;
using Parley.Server.Accounts;
using Parley.Server.Chat;
using Parley.Server.Connections;
using Parley.Server.Limits;
using Parley.Server.Storage;

namespace Parley.Server;

/// <summary>The server-wide pieces every connection uses.</summary>
internal sealed class ServerContext
{
    /// <remarks>
    /// The account store, when not given, is the chat store if that keeps accounts too (the SQLite one does: one
    /// database file), else an in-memory one.
    /// </remarks>
    public ServerContext(ServerOptions options, TimeProvider time, ILogger logger, ServerMetrics metrics, IChatStore? store = null, IAccountStore? accounts = null)
    {
        Options = options;
        Time = time;
        Logger = logger;
        Metrics = metrics;
        Store = store ?? new InMemoryChatStore();
        Store.Open();
        Accounts = new AccountService(options.Accounts, accounts ?? Store as IAccountStore ?? new InMemoryAccountStore(), time, logger);
        // A quarter of the hard limit: a member that keeps up absorbs several commits' bursts before eviction.
        Committer = new GroupCommitter(Store, StoreWriteGate, logger, Math.Min(256 * 1024, options.SendQueueHardBytes / 4));
        FloodControl = new FloodControl(options, time);
        Hub = new Hub(this);
        Connections = new ConnectionManager(this);
    }

    public IChatStore Store { get; }

    /// <summary>Accounts, password hashing and the login throttle.</summary>
    public AccountService Accounts { get; }

    /// <summary>Held around every write to <see cref="Store"/> (the committer's and the occasional topic or marker).</summary>
    public Lock StoreWriteGate { get; } = new();

    public GroupCommitter Committer { get; }

    public ServerOptions Options { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    public ServerMetrics Metrics { get; }

    public FloodControl FloodControl { get; }

    public Hub Hub { get; }

    public ConnectionManager Connections { get; }
}
