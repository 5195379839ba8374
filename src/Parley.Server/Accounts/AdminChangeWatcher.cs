using Parley.Protocol;
using Parley.Protocol.Messages;
using Parley.Server.Chat;
using Parley.Server.Connections;
using Parley.Server.Moderation;
using Parley.Server.Storage;

namespace Parley.Server.Accounts;

/// <summary>
/// Applies what <c>parley admin</c> changed in the database while the server runs (<see cref="AdminChange"/>):
/// polls the store on a timer and reloads the server bans (closing the connections a new ban matches), ends
/// the sessions of a deleted account or of one whose password was reset, and updates administrator flags.
/// Changes made before the server started are in what it loaded at start, so it begins after the newest one.
/// </summary>
internal sealed class AdminChangeWatcher : IDisposable
{
    private readonly ServerContext _context;
    private readonly Lock _gate = new();
    private readonly ITimer _timer;
    private long _last;

    public AdminChangeWatcher(ServerContext context)
    {
        _context = context;
        _last = context.Accounts.Store.LastAdminChangeId();
        TimeSpan period = context.Options.AdminChangePollInterval;
        _timer = context.Time.CreateTimer(_ => Poll(), null, period, period);
    }

    public void Dispose() => _timer.Dispose();

    /// <summary>Applies the changes noted since the last poll (the timer calls it; tests may too).</summary>
    public void Poll()
    {
        lock (_gate)
        {
            IReadOnlyList<AdminChange> changes;
            try
            {
                changes = _context.Accounts.Store.AdminChangesAfter(_last);
            }
            catch (Exception ex) when (ex is StoreUnavailableException or System.Data.Common.DbException or ObjectDisposedException)
            {
                // The next beat tries again; a store that stays unreadable is logged by everything else that reads it.
                return;
            }

            foreach (AdminChange change in changes)
            {
                Log.AdminChangeApplied(_context.Logger, change.Kind, change.Subject);
                switch (change.Kind)
                {
                    case AdminChange.Ban:
                        ReloadServerBans();
                        break;
                    case AdminChange.Account:
                        RefreshAccount(change.Subject, logout: false);
                        break;
                    case AdminChange.Logout:
                        RefreshAccount(change.Subject, logout: true);
                        break;
                }

                _last = change.Id;
            }
        }
    }

    private void ReloadServerBans()
    {
        long now = _context.Time.GetUtcNow().ToUnixTimeMilliseconds();
        _context.ServerBans.Replace(_context.Moderation.LoadBans(Restriction.ServerScope, now));
        foreach (ClientConnection connection in _context.Connections.Live)
        {
            Session s = connection.Session;
            if (connection.IsClosing || _context.ServerBans.Match(s.AccountKey, s.RemoteAddress, now) is not { } ban)
            {
                continue;
            }

            string why = ban.Record.Reason.Length > 0 ? $"banned from this server: {ban.Record.Reason}" : "banned from this server";
            Log.ServerBanEnforced(_context.Logger, connection.Id, s.Nick ?? "-", s.RemoteAddress?.ToString(), "disconnected", ban.Mask.Text);
            connection.Close(QuitReason.Banned, Goodbye(QuitReason.Banned, why), discardData: true, message: ban.Record.Reason);
        }
    }

    private void RefreshAccount(string key, bool logout)
    {
        AccountRecord? account = _context.Accounts.Store.FindAccount(key);
        string? why = account is null ? "your account was deleted by a server administrator"
            : logout ? "your password was reset by a server administrator; log in with the new one"
            : null;
        foreach (Session session in _context.Hub.SessionsOf(key))
        {
            if (why is null)
            {
                session.UpdateAdmin(account!.Admin);
            }
            else if (!session.Connection.IsClosing)
            {
                session.Connection.Close(QuitReason.Unspecified, Goodbye(QuitReason.Unspecified, why), discardData: true, message: why);
            }
        }
    }

    private static byte[] Goodbye(QuitReason reason, string message) =>
        FrameWriter.Encode(FrameType.Goodbye, 0, new Goodbye { Reason = reason, Message = message });
}
