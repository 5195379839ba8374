using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Parley.Server.Connections;

namespace Parley.Server.Tests;

/// <summary>
/// The server's logic with no sockets: each client is a pair of crossed in-memory pipes, the clock
/// is fake. Fails the test (on dispose) if the server logged an error.
/// </summary>
internal sealed class InMemoryServer : IAsyncDisposable
{
    private readonly List<(TestPeer Peer, Task Run)> _peers = [];
    private int _next;

    public InMemoryServer(Action<ServerOptions>? configure = null, Storage.IChatStore? store = null, Storage.IModerationStore? moderation = null, FakeTimeProvider? time = null,
        Storage.IAccountStore? accounts = null)
    {
        // Flood control off: most tests send bursts and are not about it. FloodControlTests put the
        // defaults back (o.RateLimits = new()).
        Time = time ?? new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        Options = new ServerOptions { HeartbeatPeriod = TimeSpan.FromSeconds(1), RateLimits = NoRateLimits() };
        configure?.Invoke(Options);
        Context = new ServerContext(Options, Time, new RecordingLogger(Errors), new ServerMetrics(), store, accounts, moderation);
        Context.Connections.StartHeartbeat();
    }

    /// <summary>Every rate limit off (a burst of 0 turns a limit off).</summary>
    public static Limits.RateLimitOptions NoRateLimits() => new() { MessageBurst = 0, RequestBurst = 0, ConnectionBurst = 0 };

    public FakeTimeProvider Time { get; }

    public ServerOptions Options { get; }

    public ServerContext Context { get; }

    public ConcurrentQueue<string> Errors { get; } = new();

    /// <summary>Accounts, hashing and the throttle, for tests that look behind the wire.</summary>
    internal Accounts.AccountService Accounts => Context.Accounts;

    /// <summary>Connects a client. <paramref name="readerPauseBytes"/> bounds what the server can write before the client reads (a small value models a stalled reader).</summary>
    /// <param name="remote">The client's address as the server sees it (the login throttle counts per address); none when null.</param>
    /// <param name="account">
    /// The account the session is logged in to (its name), standing in for a login with a password (which would
    /// cost a hash per connection); null: a guest. Set before the Hello, which stays a guest's.
    /// </param>
    /// <param name="admin">The account is a server administrator.</param>
    /// <param name="address">The peer's IP address (a shorthand for <paramref name="remote"/>); null: none, as over a pipe.</param>
    /// <param name="inlineScheduling">The server's input runs its reader inline, as Kestrel's sockets do with
    /// <c>UnsafePreferInlineScheduling</c>: whoever completes or cancels a read runs the read loop.</param>
    public TestPeer Connect(long readerPauseBytes = 1024 * 1024, IPEndPoint? remote = null, string? account = null, bool admin = false, string? address = null,
        bool inlineScheduling = false)
    {
        var toServer = new Pipe(inlineScheduling
            ? new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false)
            : new PipeOptions(useSynchronizationContext: false));
        var toClient = new Pipe(new PipeOptions(pauseWriterThreshold: readerPauseBytes, resumeWriterThreshold: readerPauseBytes / 2, useSynchronizationContext: false));
        var serverSide = new DuplexPipe(toServer.Reader, toClient.Writer);
        var peer = new TestPeer(toClient.Reader, toServer.Writer);
        string id = $"test-{Interlocked.Increment(ref _next)}";
        void Abort()
        {
            // What a socket abort looks like to the loops: the peer's ends are gone.
            toClient.Reader.CancelPendingRead();
            toServer.Writer.CancelPendingFlush();
            toServer.Writer.Complete();
            toClient.Reader.Complete();
        }

        Assert.Equal(Protocol.Messages.ErrorCode.Unspecified, Context.Connections.TryAdmit(null));
        remote ??= address is null ? null : new IPEndPoint(IPAddress.Parse(address), 40_000 + _next);
        var connection = new ClientConnection(id, remote, serverSide, Abort, Context);
        if (account is not null)
        {
            connection.Session.SetAccountForTests(new Accounts.SessionAccount(Protocol.ContentRules.Key(account), account, admin));
        }

        Context.Connections.Add(connection);
        Task run = RunAsync(connection);
        _peers.Add((peer, run));
        return peer;
    }

    public async ValueTask DisposeAsync()
    {
        foreach ((TestPeer peer, _) in _peers)
        {
            await peer.DisposeAsync();
        }

        // Let close graces run out on the fake clock, then every loop must have ended.
        Time.Advance(Options.CloseGrace + TimeSpan.FromSeconds(1));
        await Task.WhenAll(_peers.Select(p => p.Run)).WaitAsync(TimeSpan.FromSeconds(10));
        Context.Connections.Dispose();
        Context.AdminChanges.Dispose();
        Context.Committer.Dispose();
        Context.Accounts.Dispose();
        Assert.True(Errors.IsEmpty, "the server logged errors: " + string.Join(" | ", Errors));
    }

    private async Task RunAsync(ClientConnection connection)
    {
        try
        {
            await connection.RunAsync();
        }
        finally
        {
            Context.Connections.Release(connection, null);
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    private sealed class RecordingLogger(ConcurrentQueue<string> errors) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error)
            {
                errors.Enqueue(formatter(state, exception) + " " + exception);
            }
        }
    }
}
