using System.Collections.Concurrent;
using Parley.Client;
using Parley.Protocol.Messages;
using Parley.Storage.Sqlite;
using Parley.TestUtilities;
using Xunit.Abstractions;

namespace Parley.IntegrationTests;

/// <summary>
/// Issue 5's promise against a real server process: what was acknowledged survives SIGKILL, exactly
/// once and in order, and clients that reconnect by themselves resume with no gap and no duplicate.
/// </summary>
public sealed class CrashDurabilityTests(ITestOutputHelper output)
{
    private const string Room = "#crash";

    [Fact]
    public async Task Acknowledged_messages_survive_ten_sigkills_and_every_client_resumes_without_gap_or_duplicate()
    {
        const int clients = 50, kills = 10, acksBetweenKills = 150;
        string data = Path.Combine(Path.GetTempPath(), "parley-tests", Guid.NewGuid().ToString("N"));
        int port = ServerProcess.FreePort();
        // Fifty senders as fast as they are acknowledged, reconnecting all at once after each kill: not a test of flood control.
        ServerProcess server = await ServerProcess.StartWithDataAsync(port, data, "--no-rate-limits");
        ParleyEndpoint endpoint = ParleyEndpoint.Parse(server.Address);
        // Every restart keeps the data directory, so the key: the sessions reconnect over TLS to the fingerprint they trust.
        ClientTlsOptions tls = TestTls.For(server);
        var sessions = new List<ParleySession>();
        var received = new ConcurrentDictionary<int, List<ulong>>();
        var acked = new ConcurrentBag<(string Text, ulong Seq, ulong MessageId)>();
        using var stopSending = new CancellationTokenSource();
        var consumers = new List<Task>();
        try
        {
            for (int i = 0; i < clients; i++)
            {
                var session = ParleySession.ForServer(endpoint, new ParleySessionOptions
                {
                    Connection = { Nick = $"u{i}", Tls = tls },
                    Backoff = new ReconnectBackoff { BaseDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromMilliseconds(500) },
                });
                sessions.Add(session);
                received[i] = [];
                consumers.Add(RecordSeqsAsync(session, received[i]));
                session.Start();
                await session.WaitUntilReadyAsync();
                await session.JoinAsync(Room);
            }

            Task[] senders = [.. sessions.Select((s, i) => SendUntilStoppedAsync(s, i, acked, stopSending.Token))];
            for (int kill = 0; kill < kills; kill++)
            {
                int target = acked.Count + acksBetweenKills;
                await Poll.UntilAsync(() => acked.Count >= target, $"{target} acknowledgements before kill {kill + 1}", TimeSpan.FromSeconds(60));
                await server.KillAsync();
                await server.DisposeAsync();
                Assert.Equal("ok", IntegrityCheck(data));
                server = await ServerProcess.StartWithDataAsync(port, data, "--no-rate-limits");
            }

            int last = acked.Count + acksBetweenKills;
            await Poll.UntilAsync(() => acked.Count >= last, "acknowledgements after the last restart", TimeSpan.FromSeconds(60));
            await stopSending.CancelAsync();
            await Task.WhenAll(senders);

            // The stored history, read back through the protocol.
            await using ParleyConnection reader = await ParleyConnection.ConnectAsync(endpoint, new ParleyConnectionOptions { Nick = "auditor", Tls = tls });
            List<Delivered> history = await ReadWholeHistoryAsync(reader);
            output.WriteLine($"{acked.Count} acknowledged, {history.Count} stored, {kills} SIGKILLs");

            // Sequence numbers 1..N with no gap; every text at most once; every acknowledged message there with its seq and id.
            Assert.Equal(Enumerable.Range(1, history.Count).Select(i => (ulong)i), history.Select(d => d.Seq));
            Assert.Equal(history.Count, history.Select(d => d.Text).Distinct().Count());
            Dictionary<string, Delivered> byText = history.ToDictionary(d => d.Text);
            foreach ((string text, ulong seq, ulong messageId) in acked)
            {
                Assert.True(byText.TryGetValue(text, out Delivered? stored), $"acknowledged '{text}' (seq {seq}) is missing");
                Assert.Equal((seq, messageId), (stored!.Seq, stored.MessageId));
            }

            // Every client, across all its reconnects, saw each message once, in order, up to the end.
            ulong lastSeq = history[^1].Seq;
            await Poll.UntilAsync(() => received.Values.All(r => { lock (r) { return r.Count > 0 && r[^1] == lastSeq; } }),
                "every client has caught up with the last message", TimeSpan.FromSeconds(60));
            foreach ((int client, List<ulong> seqs) in received)
            {
                ulong[] got;
                lock (seqs)
                {
                    got = [.. seqs];
                }

                int bad = Enumerable.Range(1, Math.Max(0, got.Length - 1)).FirstOrDefault(k => got[k] != got[k - 1] + 1);
                Assert.True(bad == 0, $"client u{client} saw a gap or a duplicate: ... {string.Join(", ", got.Skip(Math.Max(0, bad - 3)).Take(7))} ...");
            }
        }
        finally
        {
            await stopSending.CancelAsync();
            foreach (ParleySession s in sessions)
            {
                await s.DisposeAsync();
            }

            await Task.WhenAll(consumers).WaitAsync(TimeSpan.FromSeconds(30));
            await server.DisposeAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task SendUntilStoppedAsync(ParleySession session, int client, ConcurrentBag<(string, ulong, ulong)> acked, CancellationToken stop)
    {
        for (int n = 0; !stop.IsCancellationRequested; n++)
        {
            string text = $"u{client}:{n}";
            try
            {
                Sent sent = await session.SayReliablyAsync(Room, text, cancellationToken: stop);
                acked.Add((text, sent.Seq, sent.MessageId));
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task RecordSeqsAsync(ParleySession session, List<ulong> seqs)
    {
        await foreach (ParleyEvent e in session.Events.ReadAllAsync())
        {
            if (e is RoomMessageEvent { Message.Room: Room } m)
            {
                lock (seqs)
                {
                    seqs.Add(m.Message.Seq);
                }
            }
        }
    }

    private static async Task<List<Delivered>> ReadWholeHistoryAsync(ParleyConnection connection)
    {
        var all = new List<Delivered>();
        ulong after = 0;
        while (true)
        {
            HistoryPage page = await connection.HistoryAsync(Room, after, forward: true, limit: 500);
            all.AddRange(page.Messages);
            if (!page.HasMore || page.Messages.Count == 0)
            {
                return all;
            }

            after = page.Messages[^1].Seq;
        }
    }

    // Opened by the test between a kill and the restart: recovers the WAL as the server would, then checks.
    private static string IntegrityCheck(string dataDirectory)
    {
        using SqliteChatStore store = SqliteChatStore.InDataDirectory(dataDirectory);
        store.Open();
        return store.IntegrityCheck();
    }
}
