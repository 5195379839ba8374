using ProtocolViolationException = Parley.Protocol.ProtocolViolationException;
using Parley.Protocol;
using Parley.Protocol.Messages;
using Parley.Server.Accounts;
using Parley.Server.Storage;

namespace Parley.Server.Chat;

/// <summary>The handshake: a guest Hello, or one that registers or logs in (docs/PROTOCOL.md, "Accounts and authentication").</summary>
internal sealed partial class Session
{
    private enum HelloKind
    {
        Invalid,
        Guest,
        Register,
        Password,
        Token,
    }

    private AccountService Accounts => _context.Accounts;

    private Task? OnHello(uint id, Hello hello)
    {
        if (hello.ProtocolVersion != ProtocolConstants.Version)
        {
            ProtocolViolationException.Throw(ErrorCode.UnsupportedVersion,
                $"this server speaks protocol version {ProtocolConstants.Version}, not {hello.ProtocolVersion}");
        }

        switch (Classify(hello))
        {
            case HelloKind.Guest:
                GuestHello(id, hello);
                return null;
            case HelloKind.Register:
                return RegisterHello(id, hello);
            case HelloKind.Password:
                return PasswordHello(id, hello);
            case HelloKind.Token:
                TokenHello(id, hello);
                return null;
            default:
                Reply(id, ErrorCode.InvalidRequest, "a Hello is a guest's (no account fields), a registration (account, password, register), "
                    + "a login with a password (account, password) or with a resume token (account, resume_token)");
                return null;
        }
    }

    private static HelloKind Classify(Hello h) => (h.Account.Length > 0, h.Register, h.Password.Length > 0, h.ResumeToken.Length > 0) switch
    {
        (false, false, false, false) when h.InviteCode.Length == 0 && !h.WantResumeToken => HelloKind.Guest,
        (true, true, true, false) => HelloKind.Register,
        (true, false, true, false) when h.InviteCode.Length == 0 => HelloKind.Password,
        (true, false, false, true) when h.InviteCode.Length == 0 => HelloKind.Token,
        _ => HelloKind.Invalid,
    };

    private void GuestHello(uint id, Hello hello)
    {
        if (Accounts.Options.Mode != AccountMode.Open)
        {
            Reply(id, ErrorCode.LoginRequired, "this server admits logged-in sessions only: log in or register");
            return;
        }

        // Again at the Hello (an address ban is first checked at connect): a ban made since then. A guest has no
        // account; AccountKey is set here only by the in-memory tests' stand-in for a login.
        if (RefuseIfServerBanned(AccountKey))
        {
            return;
        }

        string display, key;
        if (hello.Nick.Length == 0)
        {
            (display, key) = ClaimGuestNick();
        }
        else
        {
            // The handshake may be retried with another name before the handshake deadline.
            if (!ValidateNick(id, hello.Nick, null, out display, out key) || !ClaimNick(id, display, key))
            {
                return;
            }
        }

        Ready(id, hello, display, key, null, null);
    }

    private Task? RegisterHello(uint id, Hello hello)
    {
        AccountOptions options = Accounts.Options;
        if (!options.Registration)
        {
            Reply(id, ErrorCode.RegistrationClosed, "this server does not let clients register; ask its operator for an account");
            return null;
        }

        if (options.Mode == AccountMode.Invite && hello.InviteCode.Length == 0)
        {
            Reply(id, ErrorCode.RegistrationClosed, "registering on this server needs an invite code");
            return null;
        }

        if (!ContentRules.TryValidateNick(hello.Account, out string name, out string accountKey, out string error))
        {
            Reply(id, ErrorCode.InvalidName, $"not a valid account name: {error}");
            return null;
        }

        if (!PasswordRules.IsAcceptable(hello.Password))
        {
            Reply(id, ErrorCode.WeakPassword, PasswordRules.Description);
            return null;
        }

        if (!Accounts.Throttle.TryBegin(null, RemoteAddress, exclusive: false, out TimeSpan retryAfter))
        {
            return Throttled(id, name, retryAfter);
        }

        if (Accounts.IsRegistered(accountKey))
        {
            Reply(id, ErrorCode.AccountExists, $"the account {name} exists");
            return null;
        }

        if (!NickForAccount(id, hello, name, accountKey, out string display, out string nickKey))
        {
            return null;
        }

        // Outside invite mode a code is not needed, and one sent anyway is not used up.
        string? invite = options.Mode == AccountMode.Invite ? hello.InviteCode : null;
        string password = hello.Password;
        bool wantToken = hello.WantResumeToken;
        Task<AccountOutcome>? work = Accounts.Queue.TryRun(() => Accounts.RegisterJob(accountKey, name, password, invite, wantToken));
        return work is null ? BacklogFull(id) : CompleteLoginAsync(id, hello, work, name, display, nickKey, "registered", exclusiveKey: null);
    }

    private Task? PasswordHello(uint id, Hello hello)
    {
        if (!ContentRules.TryValidateNick(hello.Account, out string name, out string accountKey, out string error))
        {
            Reply(id, ErrorCode.InvalidName, $"not a valid account name: {error}");
            return null;
        }

        if (!NickForAccount(id, hello, name, accountKey, out string display, out string nickKey))
        {
            return null;
        }

        // Throttled before anything costly, and before the password is looked at.
        if (!Accounts.Throttle.TryBegin(accountKey, RemoteAddress, exclusive: true, out TimeSpan retryAfter))
        {
            return Throttled(id, name, retryAfter);
        }

        string password = hello.Password;
        bool wantToken = hello.WantResumeToken;
        Task<AccountOutcome>? work = Accounts.Queue.TryRun(() => Accounts.PasswordLoginJob(accountKey, password, wantToken));
        if (work is null)
        {
            Accounts.Throttle.EndCheck(accountKey);
            return BacklogFull(id);
        }

        return CompleteLoginAsync(id, hello, work, name, display, nickKey, "password", exclusiveKey: accountKey);
    }

    private void TokenHello(uint id, Hello hello)
    {
        if (!ContentRules.TryValidateNick(hello.Account, out string name, out string accountKey, out string error))
        {
            Reply(id, ErrorCode.InvalidName, $"not a valid account name: {error}");
            return;
        }

        if (!Accounts.Throttle.TryBegin(accountKey, RemoteAddress, exclusive: false, out TimeSpan retryAfter))
        {
            Throttled(id, name, retryAfter);
            return;
        }

        if (!NickForAccount(id, hello, name, accountKey, out string display, out string nickKey))
        {
            return;
        }

        AccountOutcome outcome = Accounts.TokenLogin(accountKey, hello.ResumeToken);
        Finish(id, hello, outcome, name, display, nickKey, "resume token");
    }

    /// <summary>The result of a hashing account operation; null when it threw, which was logged and answered INTERNAL.</summary>
    private async Task<AccountOutcome?> OutcomeOrInternalAsync(uint id, Task<AccountOutcome> work, string failure)
    {
        try
        {
            return await work.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.AccountOperationFailed(_context.Logger, Connection.Id, ex);
            Reply(id, ErrorCode.Internal, failure);
            return null;
        }
    }

    /// <summary>The continuation of a Hello that needed a hash; the read loop awaits it before the next frame.</summary>
    private async Task CompleteLoginAsync(uint id, Hello hello, Task<AccountOutcome> work, string name, string display, string nickKey, string how, string? exclusiveKey)
    {
        try
        {
            if (await OutcomeOrInternalAsync(id, work, "the account could not be checked; try again later").ConfigureAwait(false) is not { } outcome)
            {
                return;
            }

            // A failure counts even when the client has already gone (hanging up must not dodge the throttle).
            Finish(id, hello, outcome, name, display, nickKey, how);
        }
        finally
        {
            // Released only after the failure is counted, so the next check of this account sees it.
            if (exclusiveKey is not null)
            {
                Accounts.Throttle.EndCheck(exclusiveKey);
            }
        }
    }

    private void Finish(uint id, Hello hello, AccountOutcome outcome, string name, string display, string nickKey, string how)
    {
        if (!outcome.Succeeded)
        {
            // A wrong invite code counts against the address (guessing codes), not against the account being made.
            if (outcome.Error == ErrorCode.AuthFailed || (outcome.Error == ErrorCode.RegistrationClosed && hello.Register))
            {
                Accounts.LoginFailed(Connection.Id, hello.Register ? null : ContentRules.Key(name), name, RemoteAddress, outcome.Message);
            }

            // One answer for every failed login: the log says which it was, the client is not told.
            if (Connection.IsClosing)
            {
                return;
            }

            Reply(id, outcome.Error, outcome.Error == ErrorCode.AuthFailed ? "wrong account name, password or resume token" : outcome.Message);
            return;
        }

        SessionAccount account = outcome.Account!;

        // A server ban of the account applies once the login has shown who this is, before a nickname is taken
        // (docs/PROTOCOL.md "Moderation"); the address is checked again here too.
        if (Connection.IsClosing || RefuseIfServerBanned(account.Key) || !ClaimNick(id, display, nickKey))
        {
            return;
        }

        _account = account;
        _context.Hub.AddAccountSession(account.Key, this);
        Log.LoggedIn(_context.Logger, Connection.Id, account.Name, how);
        Ready(id, hello, display, nickKey, account, outcome.NewToken);
    }

    /// <summary>A logged-in session's nickname: the Hello's, or the account name; never another account's name.</summary>
    private bool NickForAccount(uint id, Hello hello, string name, string accountKey, out string display, out string key)
    {
        if (hello.Nick.Length == 0)
        {
            (display, key) = (name, accountKey);
        }
        else if (!ValidateNick(id, hello.Nick, accountKey, out display, out key))
        {
            return false;
        }

        // Checked now to spare a hash; claimed only once the login succeeds.
        if (_context.Hub.FindByNick(key) is not null)
        {
            Reply(id, ErrorCode.NickInUse, $"the nickname {display} is in use");
            return false;
        }

        return true;
    }

    /// <summary>Validates a nickname and refuses an account's name to anyone but that account.</summary>
    private bool ValidateNick(uint id, string nick, string? ownAccountKey, out string display, out string key)
    {
        if (!ContentRules.TryValidateNick(nick, out display, out key, out string error))
        {
            Reply(id, ErrorCode.InvalidName, error);
            return false;
        }

        if (key != ownAccountKey && Accounts.IsRegistered(key))
        {
            Reply(id, ErrorCode.NickRegistered, $"the nickname {display} is a registered account; log in to use it");
            return false;
        }

        return true;
    }

    /// <summary>Claims a nickname; on failure replies NICK_IN_USE (held, or too much like one that is held).</summary>
    private bool ClaimNick(uint id, string display, string key)
    {
        switch (_context.Hub.TryClaimNick(display, key, this, out string? holder))
        {
            case NickClaim.Claimed:
                return true;
            case NickClaim.InUse:
                Reply(id, ErrorCode.NickInUse, $"the nickname {display} is in use");
                return false;
            default:
                Log.ConfusableName(_context.Logger, Connection.Id, _nick ?? "-", display, holder ?? "-");
                Reply(id, ErrorCode.NickInUse, $"the nickname {display} is too much like {holder}, which is in use");
                return false;
        }
    }

    private Task? Throttled(uint id, string account, TimeSpan retryAfter)
    {
        long ms = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalMilliseconds));
        Log.LoginThrottled(_context.Logger, Connection.Id, account, RemoteAddress?.ToString() ?? "-", ms);
        ReplyRateLimited(id, "too many failed logins; try again later", ms);
        return null;
    }

    private Task? BacklogFull(uint id)
    {
        Log.HashBacklogFull(_context.Logger, Connection.Id, Accounts.Options.HashBacklog);
        ReplyRateLimited(id, "the server is busy checking passwords; try again shortly", 1000);
        return null;
    }

    private void ReplyRateLimited(uint id, string text, long retryAfterMs) =>
        Reply(id, FrameType.Error, new Error { Code = ErrorCode.RateLimited, Message = text, RetryAfterMs = (uint)Math.Min(retryAfterMs, uint.MaxValue) });

    private (string Display, string Key) ClaimGuestNick()
    {
        while (true)
        {
            string display = $"guest{Random.Shared.Next(10_000, 1_000_000)}";
            string key = ContentRules.Key(display);
            if (!Accounts.IsRegistered(key) && _context.Hub.TryClaimNick(display, key, this, out _) == NickClaim.Claimed)
            {
                return (display, key);
            }
        }
    }
}
