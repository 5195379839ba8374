using System.ComponentModel.DataAnnotations;

namespace Parley.Server.Accounts;

/// <summary>Who may connect and register (docs/PROTOCOL.md, "Accounts and authentication").</summary>
public enum AccountMode
{
    /// <summary>Guests allowed (any nickname no account holds); anyone may register.</summary>
    Open,

    /// <summary>Only logged-in sessions; anyone may register.</summary>
    Registered,

    /// <summary>Only logged-in sessions; registering needs a single-use invite code from <c>parley admin invite create</c>.</summary>
    Invite,
}

/// <summary>
/// The <c>Accounts</c> section of the configuration: the server mode, password hashing and the
/// failed-login throttle. See docs/SECURITY.md, "Accounts and passwords".
/// </summary>
public sealed class AccountOptions
{
    /// <summary>Argon2id memory cost floor in KiB (19 MiB), OWASP's minimum for Argon2id with two passes.</summary>
    public const int MinimumMemoryKiB = 19 * 1024;

    /// <summary>Argon2id pass-count floor.</summary>
    public const int MinimumIterations = 2;

    /// <summary>Who may connect and register. Default <see cref="AccountMode.Open"/>.</summary>
    public AccountMode Mode { get; set; } = AccountMode.Open;

    /// <summary>Whether clients may create accounts with <c>Hello.register</c>. Default true; false leaves it to <c>parley admin user add</c>.</summary>
    public bool Registration { get; set; } = true;

    /// <summary>
    /// Argon2id memory per hash, KiB. Default and minimum 19456 (19 MiB). Stored in every hash, so
    /// raising it later is safe: each account is rehashed with the new value at its next login.
    /// </summary>
    [Range(MinimumMemoryKiB, 4 * 1024 * 1024)]
    public int HashMemoryKiB { get; set; } = MinimumMemoryKiB;

    /// <summary>Argon2id passes. Default and minimum 2. Raising it rehashes at next login, as for memory.</summary>
    [Range(MinimumIterations, 100)]
    public int HashIterations { get; set; } = MinimumIterations;

    /// <summary>
    /// Threads that hash passwords. Default 0: one fewer than the cores (at least one), so a flood of
    /// logins always leaves a core for chat. Each running hash holds <see cref="HashMemoryKiB"/> of memory.
    /// </summary>
    [Range(0, 256)]
    public int HashWorkers { get; set; }

    /// <summary>
    /// Logins and registrations waiting for a hash thread. Beyond it a Hello gets RATE_LIMITED at once:
    /// a waiting hash is worth nothing once the handshake deadline has passed. Default 64
    /// (about two seconds of work for one thread at the default cost).
    /// </summary>
    [Range(1, 100_000)]
    public int HashBacklog { get; set; } = 64;

    /// <summary>How long a resume token stays valid. Default 30 days.</summary>
    public TimeSpan ResumeTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Failed logins to one account allowed in a burst, before RATE_LIMITED. Default 5.</summary>
    [Range(1, 1_000_000)]
    public int FailedLoginsPerAccount { get; set; } = 5;

    /// <summary>After the burst, one more failed login to the account is allowed per this period. Default 30 s.</summary>
    public TimeSpan AccountFailureRefill { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Failed logins from one IP address (to any accounts) allowed in a burst. Default 20.</summary>
    [Range(1, 1_000_000)]
    public int FailedLoginsPerAddress { get; set; } = 20;

    /// <summary>After the burst, one more failed login from the address is allowed per this period. Default 5 s.</summary>
    public TimeSpan AddressFailureRefill { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The hash threads to run: <see cref="HashWorkers"/>, or one fewer than the cores.</summary>
    internal int EffectiveHashWorkers => HashWorkers > 0 ? HashWorkers : Math.Max(1, Environment.ProcessorCount - 1);
}
