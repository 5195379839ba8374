using Microsoft.Extensions.Logging;
using Parley.Server.Accounts;
using Parley.Server.Chat;
using Parley.Server.Connections;
using Parley.Server.Limits;
using Parley.Server.Moderation;
using Parley.Server.Storage;

namespace Parley.Server;

/// <summary>The server-wide pieces every connection uses.</summary>
internal sealed class ServerContext
{
    /// <summary>Opens the store and loads the server bans. <paramref name="store"/> null: in memory.</summary>
    /// <remarks>
    /// The account store and the moderation store, when not given, are the chat store if that keeps them too (the
    /// SQLite one does: one database file), else in-memory ones.
    /// </remarks>
    public ServerContext(
        ServerOptions options, TimeProvider time, ILogger logger, ServerMetrics metrics, IChatStore? store = null, IAccountStore? accounts = null,
        IModerationStore? moderation = null)
    {
        Options = options;
        Time = time;
        Logger = logger;
        Metrics = metrics;
        Store = store ?? new InMemoryChatStore();
        Store.Open();
        Accounts = new AccountService(options.Accounts, accounts ?? Store as IAccountStore ?? new InMemoryAccountStore(), time, logger);
        Moderation = moderation ?? Store as IModerationStore ?? new InMemoryModerationStore();
        ServerBans = new ServerBans(Moderation.LoadBans(Restriction.ServerScope, time.GetUtcNow().ToUnixTimeMilliseconds()));
        // A quarter of the hard limit: a member that keeps up absorbs several commits' bursts before eviction.
        Committer = new GroupCommitter(Store, StoreWriteGate, logger, Math.Min(256 * 1024, options.SendQueueHardBytes / 4));
        FloodControl = new FloodControl(options, time);
        Hub = new Hub(this);
        Connections = new ConnectionManager(this);
        AdminChanges = new AdminChangeWatcher(this);
    }

    /// <summary>Applies what <c>parley admin</c> changes while the server runs.</summary>
    public AdminChangeWatcher AdminChanges { get; }

    public IChatStore Store { get; }

    /// <summary>Accounts, password hashing and the login throttle.</summary>
    public AccountService Accounts { get; }

    /// <summary>Owners, operators, modes, bans and mutes; written under <see cref="StoreWriteGate"/> like the store.</summary>
    public IModerationStore Moderation { get; }

    /// <summary>The server-wide bans, checked at connect and at Hello.</summary>
    public ServerBans ServerBans { get; }

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
