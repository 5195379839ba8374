using Parley.Protocol;
using Parley.Protocol.Messages;
using Parley.Server.Accounts;

namespace Parley.Server.Chat;

/// <summary>The account requests of a logged-in session: ChangePassword and RevokeResumeToken.</summary>
internal sealed partial class Session
{
    private Task? OnChangePassword(uint id, ChangePassword request)
    {
        if (_account is not { } account)
        {
            Reply(id, ErrorCode.NotAuthorized, "a guest has no password to change");
            return null;
        }

        if (!PasswordRules.IsAcceptable(request.NewPassword))
        {
            Reply(id, ErrorCode.WeakPassword, PasswordRules.Description);
            return null;
        }

        // A wrong old password is a failed login like any other: throttled and counted.
        if (!Accounts.Throttle.TryBegin(account.Key, RemoteAddress, exclusive: true, out TimeSpan retryAfter))
        {
            return Throttled(id, account.Name, retryAfter);
        }

        string oldPassword = request.OldPassword, newPassword = request.NewPassword;
        Task<AccountOutcome>? work = Accounts.Queue.TryRun(() => Accounts.ChangePasswordJob(account, oldPassword, newPassword));
        if (work is null)
        {
            Accounts.Throttle.EndCheck(account.Key);
            return BacklogFull(id);
        }

        return CompleteChangePasswordAsync(id, account, work);
    }

    private async Task CompleteChangePasswordAsync(uint id, SessionAccount account, Task<AccountOutcome> work)
    {
        try
        {
            if (await OutcomeOrInternalAsync(id, work, "the password could not be changed; try again later").ConfigureAwait(false) is not { } outcome)
            {
                return;
            }

            if (outcome.Succeeded)
            {
                Reply(id, FrameType.Ok, new Ok());
                return;
            }

            Accounts.LoginFailed(Connection.Id, account.Key, account.Name, RemoteAddress, "wrong current password in ChangePassword");
            Reply(id, outcome.Error, "the current password is wrong");
        }
        finally
        {
            Accounts.Throttle.EndCheck(account.Key);
        }
    }

    private void OnRevokeResumeToken(uint id, RevokeResumeToken request)
    {
        if (_account is not { } account)
        {
            Reply(id, ErrorCode.NotAuthorized, "a guest has no resume tokens");
            return;
        }

        // Only the account's own tokens: a token of someone else's is not found, and the answer is the same Ok.
        int revoked = Accounts.Store.RevokeResumeTokens(account.Key, request.Token.Length == 0 ? null : Secrets.Hash(request.Token));
        Log.ResumeTokensRevoked(_context.Logger, account.Name, revoked);
        Reply(id, FrameType.Ok, new Ok());
    }
}
