using System.Net;
using Microsoft.Extensions.Logging;
using Parley.Protocol.Messages;
using Parley.Server.Storage;

namespace Parley.Server.Accounts;

/// <summary>The account a session is logged in to: what the session keeps of it (never the hash).</summary>
/// <param name="Key">The account's identity (<c>ContentRules.Key</c> of its name).</param>
/// <param name="Name">The name as registered.</param>
/// <param name="Admin">A server administrator, as the store said at login.</param>
public sealed record SessionAccount(string Key, string Name, bool Admin)
{
    /// <summary>The account as a user of conversations and read markers (<see cref="IChatStore.AccountUser"/>), made once per login, not per message.</summary>
    public string User { get; } = IChatStore.AccountUser(Key);
}

/// <summary>What a login, a registration or a password change came to.</summary>
internal sealed record AccountOutcome(ErrorCode Error, string Message, SessionAccount? Account = null, string? NewToken = null, TimeSpan RetryAfter = default)
{
    public static AccountOutcome Ok(SessionAccount account, string? token) => new(ErrorCode.Unspecified, string.Empty, account, token);

    public bool Succeeded => Error == ErrorCode.Unspecified;
}

/// <summary>
/// Accounts for the sessions: the store, the hasher on its bounded queue, and the failed-login throttle.
/// The methods named <c>...Job</c> do the slow part and run on a hash thread; the rest are cheap.
/// </summary>
internal sealed class AccountService : IDisposable
{
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public AccountService(AccountOptions options, IAccountStore store, TimeProvider time, ILogger logger)
    {
        Options = options;
        Store = store;
        _time = time;
        _logger = logger;
        Hasher = new PasswordHasher(options.HashMemoryKiB, options.HashIterations);
        Queue = new HashQueue(options.EffectiveHashWorkers, options.HashBacklog);
        Throttle = new LoginThrottle(options);
    }

    public AccountOptions Options { get; }

    public IAccountStore Store { get; }

    public PasswordHasher Hasher { get; }

    public HashQueue Queue { get; }

    public LoginThrottle Throttle { get; }

    public ServerMode WireMode => Options.Mode switch
    {
        AccountMode.Registered => ServerMode.Registered,
        AccountMode.Invite => ServerMode.Invite,
        _ => ServerMode.Open,
    };

    /// <summary>Whether a nickname key is an account's name (read from the store every time: admin changes apply at once).</summary>
    public bool IsRegistered(string key) => Store.FindAccount(key) is not null;

    /// <summary>Checks a password (against a dummy hash for an unknown account, so both cost the same).</summary>
    public AccountOutcome PasswordLoginJob(string key, string password, bool wantToken)
    {
        AccountRecord? account = Store.FindAccount(key);
        if (account is null)
        {
            Hasher.VerifyDummy(password);
            return new AccountOutcome(ErrorCode.AuthFailed, "no such account");
        }

        if (!Hasher.Verify(password, account.PasswordHash, out bool rehash))
        {
            return new AccountOutcome(ErrorCode.AuthFailed, "wrong password");
        }

        if (rehash)
        {
            // The stored parameters are weaker than the configured ones: upgrade while the password is at hand.
            Store.SetPasswordHash(key, Hasher.Hash(password), revokeTokens: false);
            Log.PasswordRehashed(_logger, account.Name);
        }

        return AccountOutcome.Ok(ToSession(account), wantToken ? IssueToken(key) : null);
    }

    /// <summary>Creates the account (using the invite code, if given) and logs it in.</summary>
    public AccountOutcome RegisterJob(string key, string name, string password, string? inviteCode, bool wantToken)
    {
        var account = new AccountRecord(key, name, Hasher.Hash(password), Admin: false, NowMs);
        switch (Store.CreateAccount(account, inviteCode is null ? null : Secrets.Hash(inviteCode)))
        {
            case CreateAccountResult.Exists:
                return new AccountOutcome(ErrorCode.AccountExists, $"the account {name} exists");
            case CreateAccountResult.InviteNotValid:
                return new AccountOutcome(ErrorCode.RegistrationClosed, "the invite code is not valid (unknown or already used)");
        }

        Log.AccountRegistered(_logger, name);
        return AccountOutcome.Ok(ToSession(account), wantToken ? IssueToken(key) : null);
    }

    /// <summary>Checks the old password and stores the new one; every resume token of the account is revoked.</summary>
    public AccountOutcome ChangePasswordJob(SessionAccount session, string oldPassword, string newPassword)
    {
        AccountRecord? account = Store.FindAccount(session.Key);
        if (account is null)
        {
            Hasher.VerifyDummy(oldPassword);
            return new AccountOutcome(ErrorCode.AuthFailed, "the account no longer exists");
        }

        if (!Hasher.Verify(oldPassword, account.PasswordHash, out _))
        {
            return new AccountOutcome(ErrorCode.AuthFailed, "wrong password");
        }

        Store.SetPasswordHash(session.Key, Hasher.Hash(newPassword), revokeTokens: true);
        Log.PasswordChanged(_logger, session.Name);
        return AccountOutcome.Ok(session, null);
    }

    /// <summary>Checks a resume token: cheap (one lookup), so it runs on the session's own thread.</summary>
    public AccountOutcome TokenLogin(string key, string token)
    {
        AccountRecord? account = Store.FindAccount(key);
        ResumeTokenRecord? record = token.Length is > 0 and <= 128 ? Store.FindResumeToken(Secrets.Hash(token)) : null;
        if (account is null || record is null || record.AccountKey != key || record.ExpiresMs <= NowMs)
        {
            return new AccountOutcome(ErrorCode.AuthFailed, "unknown, expired or revoked resume token");
        }

        return AccountOutcome.Ok(ToSession(account), null);
    }

    public void Dispose()
    {
        Queue.Dispose();
        Throttle.Dispose();
    }

    /// <summary>Counts a failed login and logs it (never with the password).</summary>
    public void LoginFailed(string connectionId, string? accountKey, string account, IPAddress? address, string why)
    {
        Throttle.Failed(accountKey, address);
        Log.LoginFailed(_logger, connectionId, account, address?.ToString() ?? "-", why);
    }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private string IssueToken(string key)
    {
        string token = Secrets.NewResumeToken();
        long now = NowMs;
        Store.AddResumeToken(new ResumeTokenRecord(Secrets.Hash(token), key, now, now + (long)Options.ResumeTokenLifetime.TotalMilliseconds));
        return token;
    }

    private static SessionAccount ToSession(AccountRecord account) => new(account.Key, account.Name, account.Admin);
}
