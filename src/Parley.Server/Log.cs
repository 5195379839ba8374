using Microsoft.Extensions.Logging;
using Parley.Protocol.Messages;

namespace Parley.Server;

/// <summary>The server's log events, with fixed ids and structured fields.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Connection {ConnectionId} from {Remote} accepted")]
    public static partial void Accepted(ILogger logger, string connectionId, string? remote);

    [LoggerMessage(2, LogLevel.Information, "Connection {ConnectionId} refused: {Code}")]
    public static partial void Refused(ILogger logger, string connectionId, ErrorCode code);

    [LoggerMessage(3, LogLevel.Information, "Connection {ConnectionId} ({User}) closed: {Reason}")]
    public static partial void Closed(ILogger logger, string connectionId, string? user, QuitReason reason);

    [LoggerMessage(4, LogLevel.Information, "Connection {ConnectionId} broke the protocol ({Code}): {Detail}")]
    public static partial void ProtocolViolation(ILogger logger, string connectionId, ErrorCode code, string detail);

    [LoggerMessage(5, LogLevel.Debug, "Connection {ConnectionId} reset: {Detail}")]
    public static partial void ConnectionReset(ILogger logger, string connectionId, string detail);

    [LoggerMessage(6, LogLevel.Error, "Connection {ConnectionId} failed")]
    public static partial void ConnectionFailed(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(7, LogLevel.Warning, "Connection {ConnectionId} ({User}) evicted as a slow consumer: {Why} ({QueuedBytes} bytes queued)")]
    public static partial void SlowConsumer(ILogger logger, string connectionId, string? user, string why, long queuedBytes);

    [LoggerMessage(8, LogLevel.Information, "Connection {ConnectionId} ({User}) is lagging: {QueuedBytes} bytes queued")]
    public static partial void Lagging(ILogger logger, string connectionId, string? user, long queuedBytes);

    [LoggerMessage(9, LogLevel.Debug, "Connection {ConnectionId} ended with {Bytes} bytes of an incomplete frame")]
    public static partial void TruncatedFrame(ILogger logger, string connectionId, long bytes);

    [LoggerMessage(10, LogLevel.Information, "Connection {ConnectionId} is {User} (client {Client})")]
    public static partial void HandshakeDone(ILogger logger, string connectionId, string user, string client);

    [LoggerMessage(11, LogLevel.Information, "Shutting down: telling {Count} connections")]
    public static partial void ShuttingDown(ILogger logger, int count);

    [LoggerMessage(12, LogLevel.Information, "Listening on {Endpoint}")]
    public static partial void Listening(ILogger logger, string endpoint);

    [LoggerMessage(13, LogLevel.Error, "The store refused a batch of {Count} messages; their senders were told: {Detail}")]
    public static partial void StoreUnavailable(ILogger logger, int count, string detail);

    [LoggerMessage(14, LogLevel.Error, "Delivering a stored message failed")]
    public static partial void DeliveryFailed(ILogger logger, Exception exception);

    [LoggerMessage(15, LogLevel.Warning, "Unicode normalisation is unavailable (no ICU library): only ASCII nicknames and room names are accepted")]
    public static partial void NoUnicodeNormalization(ILogger logger);

    [LoggerMessage(16, LogLevel.Error, "Storing a batch of {Count} messages failed; their senders were told")]
    public static partial void CommitFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(17, LogLevel.Information, "Retention removed {Count} messages from {Room}")]
    public static partial void RetentionRemoved(ILogger logger, string room, int count);

    [LoggerMessage(18, LogLevel.Warning, "Retention could not be applied to {Room}; it is retried next pass: {Detail}")]
    public static partial void RetentionStoreUnavailable(ILogger logger, string room, string detail);

    [LoggerMessage(19, LogLevel.Error, "Applying retention to {Room} failed; it is retried next pass")]
    public static partial void RetentionFailed(ILogger logger, string room, Exception exception);

    [LoggerMessage(20, LogLevel.Debug, "Retention pass done: {Count} messages removed from {Rooms} rooms in {ElapsedMs} ms")]
    public static partial void RetentionPassDone(ILogger logger, int count, int rooms, long elapsedMs);

    [LoggerMessage(21, LogLevel.Information, "TLS: {Certificate}, fingerprint {Fingerprint}")]
    public static partial void TlsCertificateLoaded(ILogger logger, string certificate, string fingerprint);

    [LoggerMessage(22, LogLevel.Warning, "TLS is OFF (--insecure-no-tls): messages, nicknames and everything else cross the network in plain text, readable and changeable by anyone on the path. For tests and local use only")]
    public static partial void TlsDisabled(ILogger logger);

    [LoggerMessage(23, LogLevel.Information, "TLS certificate reloaded ({Trigger}): {Certificate}, fingerprint {Fingerprint} (was {Previous})")]
    public static partial void TlsCertificateReloaded(ILogger logger, string trigger, string certificate, string fingerprint, string previous);

    [LoggerMessage(24, LogLevel.Error, "Reloading the TLS certificate ({Trigger}) failed; still using the one with fingerprint {Fingerprint}: {Detail}")]
    public static partial void TlsCertificateReloadFailed(ILogger logger, string trigger, string fingerprint, string detail);

    [LoggerMessage(25, LogLevel.Debug, "TLS certificate files read again ({Trigger}): unchanged, fingerprint {Fingerprint}")]
    public static partial void TlsCertificateUnchanged(ILogger logger, string trigger, string fingerprint);

    [LoggerMessage(26, LogLevel.Information, "Issued a self-signed TLS certificate {Path} ({Why}): fingerprint {Fingerprint}, expires {NotAfter:yyyy-MM-dd}")]
    public static partial void SelfSignedIssued(ILogger logger, string path, string why, string fingerprint, DateTime notAfter);

    [LoggerMessage(27, LogLevel.Warning, "The TLS key {Path} is missing while its certificate is there: making a new key, so the server's fingerprint changes and every client that pinned the old one will refuse it until told")]
    public static partial void SelfSignedKeyMissing(ILogger logger, string path);

    [LoggerMessage(28, LogLevel.Warning, "The TLS key {Path} is readable by other users: chmod 600 it")]
    public static partial void KeyReadableByOthers(ILogger logger, string path);

    [LoggerMessage(29, LogLevel.Warning, "The TLS certificate {Path} expired on {NotAfter:yyyy-MM-dd}: clients that check it (rather than pin its key) will refuse it")]
    public static partial void TlsCertificateExpired(ILogger logger, string path, DateTime notAfter);

    [LoggerMessage(70, LogLevel.Warning, "Cannot watch {Directory} for certificate changes ({Detail}); the periodic check and SIGHUP still reload it")]
    public static partial void TlsWatchFailed(ILogger logger, string directory, string detail);

    [LoggerMessage(71, LogLevel.Information, "SIGHUP: nothing to reload, TLS is off")]
    public static partial void TlsReloadWithoutTls(ILogger logger);

    [LoggerMessage(72, LogLevel.Debug, "Connection {ConnectionId} from {Remote}: TLS handshake failed: {Why}")]
    public static partial void TlsHandshakeFailed(ILogger logger, string connectionId, string? remote, string why);

    // 30-39: accounts (issue 4). Never a password, token or invite code in any of them.
    [LoggerMessage(30, LogLevel.Warning, "Connection {ConnectionId} from {Remote}: failed login to {Account}: {Why}")]
    public static partial void LoginFailed(ILogger logger, string connectionId, string account, string remote, string why);

    [LoggerMessage(31, LogLevel.Information, "Connection {ConnectionId} from {Remote}: login to {Account} throttled for {RetryAfterMs} ms")]
    public static partial void LoginThrottled(ILogger logger, string connectionId, string account, string remote, long retryAfterMs);

    [LoggerMessage(32, LogLevel.Information, "Connection {ConnectionId} logged in to {Account} ({How})")]
    public static partial void LoggedIn(ILogger logger, string connectionId, string account, string how);

    [LoggerMessage(33, LogLevel.Information, "Account {Account} registered")]
    public static partial void AccountRegistered(ILogger logger, string account);

    [LoggerMessage(34, LogLevel.Information, "Account {Account} changed its password; its resume tokens are revoked")]
    public static partial void PasswordChanged(ILogger logger, string account);

    [LoggerMessage(35, LogLevel.Warning, "Connection {ConnectionId}: the password-hash backlog is full ({Backlog}); answered RATE_LIMITED")]
    public static partial void HashBacklogFull(ILogger logger, string connectionId, int backlog);

    [LoggerMessage(36, LogLevel.Information, "Account {Account}: password rehashed with the current Argon2id parameters")]
    public static partial void PasswordRehashed(ILogger logger, string account);

    [LoggerMessage(37, LogLevel.Error, "Connection {ConnectionId}: an account operation failed")]
    public static partial void AccountOperationFailed(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(38, LogLevel.Information, "Account {Account} revoked {Count} resume tokens")]
    public static partial void ResumeTokensRevoked(ILogger logger, string account, int count);

    // 40-49: flood control and limits (issue 4).
    [LoggerMessage(40, LogLevel.Debug, "Connection {ConnectionId} ({User}): {Request} refused, over its rate limit; retry in {RetryAfterMs} ms")]
    public static partial void RateLimited(ILogger logger, string connectionId, string user, Protocol.FrameType request, uint retryAfterMs);

    [LoggerMessage(41, LogLevel.Warning, "Connection {ConnectionId} ({User}) disconnected for flooding: {Refusals} requests refused within {WindowSeconds} s")]
    public static partial void FloodDisconnect(ILogger logger, string connectionId, string user, int refusals, double windowSeconds);

    [LoggerMessage(42, LogLevel.Warning, "Flood control: {What} is OFF ({Setting} is 0). The server accepts any amount of it; set a limit for a public server")]
    public static partial void LimitOff(ILogger logger, string what, string setting);

    [LoggerMessage(43, LogLevel.Information, "Flood control: connections from {Addresses} are exempt from the per-address connection limits")]
    public static partial void LimitExempt(ILogger logger, string addresses);

    [LoggerMessage(44, LogLevel.Information, "Connection {ConnectionId} ({User}): {Name} refused, too much like {Existing}")]
    public static partial void ConfusableName(ILogger logger, string connectionId, string user, string name, string existing);

    // Moderation (issue 4): who did what to whom, in which room. Ids 50-59.
    [LoggerMessage(50, LogLevel.Information, "{Actor} kicked {Target} from {Room}: {Reason}")]
    public static partial void Kicked(ILogger logger, string actor, string target, string room, string reason);

    [LoggerMessage(51, LogLevel.Information, "{Actor} banned {Mask} from {Scope} (expires {Expires}, {Removed} removed): {Reason}")]
    public static partial void Banned(ILogger logger, string actor, string mask, string scope, string expires, int removed, string reason);

    [LoggerMessage(52, LogLevel.Information, "{Actor} lifted the ban of {Mask} from {Scope}")]
    public static partial void Unbanned(ILogger logger, string actor, string mask, string scope);

    [LoggerMessage(53, LogLevel.Information, "{Actor} {Action} {Target} ({Mask}) in {Room} (expires {Expires})")]
    public static partial void MuteChanged(ILogger logger, string actor, string action, string target, string mask, string room, string expires);

    [LoggerMessage(54, LogLevel.Information, "{Actor} made {Target} (account {Account}) {Role} of {Room}")]
    public static partial void RoleChanged(ILogger logger, string actor, string target, string account, MemberRole role, string room);

    [LoggerMessage(55, LogLevel.Information, "{Actor} set the modes of {Room}: invite-only {InviteOnly}, topic lock {TopicLocked}")]
    public static partial void RoomModesChanged(ILogger logger, string actor, string room, bool inviteOnly, bool topicLocked);

    [LoggerMessage(56, LogLevel.Information, "{Actor} invited {Target} to {Room}")]
    public static partial void InvitedToRoom(ILogger logger, string actor, string target, string room);

    [LoggerMessage(57, LogLevel.Information, "Connection {ConnectionId} ({User}, {Remote}) {Action} by the server ban of {Mask}")]
    public static partial void ServerBanEnforced(ILogger logger, string connectionId, string user, string? remote, string action, string mask);

    [LoggerMessage(58, LogLevel.Debug, "{Actor} was refused {Request} in {Room}: {Why}")]
    public static partial void ModerationRefused(ILogger logger, string actor, string request, string room, string why);

    [LoggerMessage(59, LogLevel.Warning, "A moderation change by {Actor} in {Scope} was not stored, so not made: {Detail}")]
    public static partial void ModerationNotStored(ILogger logger, string actor, string scope, string detail);

    [LoggerMessage(46, LogLevel.Information, "Applying a change made with parley admin: {Kind} {Subject}")]
    public static partial void AdminChangeApplied(ILogger logger, string kind, string subject);

    [LoggerMessage(45, LogLevel.Warning, "Connection {ConnectionId}: the membership of account {Account} in {Room} was not {Change}: {Detail}")]
    public static partial void MembershipNotStored(ILogger logger, string connectionId, string account, string room, string change, string detail);

    // 80-89: memory of idle connections (issue 6).
    [LoggerMessage(80, LogLevel.Warning, "TLS: idle connections keep OpenSSL's record buffers (about 34 KiB each): {Why}")]
    public static partial void TlsIdleBuffersKept(ILogger logger, string why);

    [LoggerMessage(81, LogLevel.Debug, "Memory: {FreeMiB} MiB free in malloc's arenas handed back to the system; resident {BeforeMiB} -> {AfterMiB} MiB, in {Milliseconds:0.0} ms")]
    public static partial void NativeMemoryTrimmed(ILogger logger, long freeMiB, long beforeMiB, long afterMiB, double milliseconds);

    [LoggerMessage(82, LogLevel.Information, "Memory: malloc's free memory is not handed back to the system here (needs glibc 2.33 or later: malloc_trim, mallinfo2)")]
    public static partial void NativeTrimUnavailable(ILogger logger);

    [LoggerMessage(83, LogLevel.Warning, "TLS: connections keep their memory BIOs' buffers after traffic, each as large as the most it ever held: this runtime's SslStream or this OpenSSL lacks what freeing them needs")]
    public static partial void TlsIdleBiosKept(ILogger logger);

    [LoggerMessage(84, LogLevel.Debug, "Memory: {Kind} garbage collector, the youngest generation's budget at most {Gen0MaxBudget} bytes (0: sized by the runtime from the CPU's cache)")]
    public static partial void GarbageCollector(ILogger logger, string kind, long gen0MaxBudget);
}
