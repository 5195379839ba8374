namespace Parley.Server.Storage;

/// <summary>Accounts kept in memory and lost on exit: for fast tests and throwaway servers.</summary>
public sealed class InMemoryAccountStore : IAccountStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, AccountRecord> _accounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ResumeTokenRecord> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InviteRecord> _invites = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Account, string Room), (string Name, long JoinedMs)> _memberships = [];
    private readonly List<AdminChange> _changes = [];

    public AccountRecord? FindAccount(string key)
    {
        lock (_gate)
        {
            return _accounts.GetValueOrDefault(key);
        }
    }

    public IReadOnlyList<AccountRecord> ListAccounts()
    {
        lock (_gate)
        {
            return [.. _accounts.Values.OrderBy(a => a.Key, StringComparer.Ordinal)];
        }
    }

    public CreateAccountResult CreateAccount(AccountRecord account, string? inviteCodeHash = null)
    {
        lock (_gate)
        {
            if (_accounts.ContainsKey(account.Key))
            {
                return CreateAccountResult.Exists;
            }

            if (inviteCodeHash is not null && !_invites.Remove(inviteCodeHash))
            {
                return CreateAccountResult.InviteNotValid;
            }

            _accounts[account.Key] = account;
            return CreateAccountResult.Created;
        }
    }

    public bool SetPasswordHash(string key, string passwordHash, bool revokeTokens)
    {
        lock (_gate)
        {
            if (!_accounts.TryGetValue(key, out AccountRecord? account))
            {
                return false;
            }

            _accounts[key] = account with { PasswordHash = passwordHash };
            if (revokeTokens)
            {
                RemoveTokens(key, null);
            }

            return true;
        }
    }

    public bool SetAdmin(string key, bool admin)
    {
        lock (_gate)
        {
            if (!_accounts.TryGetValue(key, out AccountRecord? account))
            {
                return false;
            }

            _accounts[key] = account with { Admin = admin };
            return true;
        }
    }

    public bool DeleteAccount(string key)
    {
        lock (_gate)
        {
            RemoveTokens(key, null);
            foreach ((string Account, string Room) membership in _memberships.Keys.Where(m => m.Account == key).ToArray())
            {
                _memberships.Remove(membership);
            }

            return _accounts.Remove(key);
        }
    }

    public void AddResumeToken(ResumeTokenRecord token)
    {
        lock (_gate)
        {
            _tokens[token.TokenHash] = token;
        }
    }

    public ResumeTokenRecord? FindResumeToken(string tokenHash)
    {
        lock (_gate)
        {
            return _tokens.GetValueOrDefault(tokenHash);
        }
    }

    public int RevokeResumeTokens(string accountKey, string? tokenHash)
    {
        lock (_gate)
        {
            return RemoveTokens(accountKey, tokenHash);
        }
    }

    public void AddInvite(InviteRecord invite)
    {
        lock (_gate)
        {
            _invites[invite.CodeHash] = invite;
        }
    }

    public void SaveMembership(string accountKey, string roomKey, string roomName, long joinedMs)
    {
        lock (_gate)
        {
            long first = _memberships.TryGetValue((accountKey, roomKey), out var known) ? known.JoinedMs : joinedMs;
            _memberships[(accountKey, roomKey)] = (roomName, first);
        }
    }

    public bool DeleteMembership(string accountKey, string roomKey)
    {
        lock (_gate)
        {
            return _memberships.Remove((accountKey, roomKey));
        }
    }

    public IReadOnlyList<string> LoadMemberships(string accountKey)
    {
        lock (_gate)
        {
            return [.. _memberships.Where(m => m.Key.Account == accountKey)
                .OrderBy(m => m.Value.JoinedMs).ThenBy(m => m.Key.Room, StringComparer.Ordinal)
                .Select(m => m.Value.Name)];
        }
    }

    public void NoteAdminChange(string kind, string subject, long atMs)
    {
        lock (_gate)
        {
            _changes.Add(new AdminChange(LastId() + 1, kind, subject, atMs));
            if (_changes.Count > 1000)
            {
                _changes.RemoveAt(0);
            }
        }
    }

    public IReadOnlyList<AdminChange> AdminChangesAfter(long id)
    {
        lock (_gate)
        {
            return [.. _changes.Where(c => c.Id > id)];
        }
    }

    public long LastAdminChangeId()
    {
        lock (_gate)
        {
            return LastId();
        }
    }

    private long LastId() => _changes.Count > 0 ? _changes[^1].Id : 0;

    private int RemoveTokens(string accountKey, string? tokenHash)
    {
        string[] doomed = [.. _tokens.Values
            .Where(t => t.AccountKey == accountKey && (tokenHash is null || t.TokenHash == tokenHash))
            .Select(t => t.TokenHash)];
        foreach (string hash in doomed)
        {
            _tokens.Remove(hash);
        }

        return doomed.Length;
    }
}
