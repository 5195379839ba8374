using System.Text.Json;
using Parley.Bench.Server;
using Parley.TestUtilities;

namespace Parley.Bench.Tests;

/// <summary>
/// Short, bounded runs of the real <c>parley bench</c> against a real server process. Smoke tests:
/// they check that every delivery arrived and the figures are there and sane, never how fast.
/// </summary>
public class BenchCommandTests
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Fanout_delivers_every_message_to_every_member_and_reports_its_costs()
    {
        JsonElement r = await RunJsonAsync("fanout", "--subs", "5", "--pubs", "2", "--msgs", "300", "--size", "100", "--window", "50");

        Assert.Equal(0, r.GetProperty("lost").GetInt64());
        Assert.Equal(0, r.GetProperty("out_of_order").GetInt64());
        Assert.Equal(5 * 2 * 300, r.GetProperty("deliveries").GetInt64());
        Assert.Equal(2 * 2 * 300, r.GetProperty("sender_echoes").GetInt64());
        Assert.True(r.GetProperty("deliveries_per_second").GetDouble() > 0);
        Assert.True(r.GetProperty("passed").GetBoolean());
        Assert.Contains("tls on", r.GetProperty("server").GetString(), StringComparison.Ordinal);
        JsonElement cost = r.GetProperty("cost");
        Assert.True(cost.GetProperty("server_cpu_seconds").GetDouble() >= 0);
        Assert.True(cost.GetProperty("server_rss_bytes").GetInt64() > 0);
        Assert.True(cost.GetProperty("bench_cpu_seconds").GetDouble() > 0);
        Assert.Equal("stream", cost.GetProperty("bench_receive").GetString());
    }

    [Fact]
    public async Task Latency_records_one_sample_per_delivery_after_the_warmup_and_draws_the_chart()
    {
        string chart = Path.Combine(Path.GetTempPath(), $"parley-bench-test-{Guid.NewGuid():N}.svg");
        try
        {
            JsonElement r = await RunJsonAsync("latency", "--subs", "4", "--rate", "100", "--duration", "1", "--warmup", "0.2", "--chart", chart);

            Assert.Equal(0, r.GetProperty("lost").GetInt64());
            Assert.Equal(120, r.GetProperty("messages").GetInt64());
            Assert.Equal(4 * 120, r.GetProperty("deliveries").GetInt64());
            JsonElement latency = r.GetProperty("latency");
            Assert.Equal(4 * 100, latency.GetProperty("samples").GetInt64());
            double p50 = latency.GetProperty("p50_ms").GetDouble(), p99 = latency.GetProperty("p99_ms").GetDouble();
            Assert.True(p50 > 0 && p50 <= p99 && p99 <= latency.GetProperty("max_ms").GetDouble());
            Assert.StartsWith("<svg", await File.ReadAllTextAsync(chart), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(chart);
        }
    }

    [Fact]
    public async Task Stall_runs_with_and_without_a_member_that_stops_reading()
    {
        JsonElement r = await RunJsonAsync("stall", "--subs", "4", "--rate", "100", "--duration", "1", "--warmup", "0.2");

        Assert.Equal(0, r.GetProperty("baseline").GetProperty("lost").GetInt64());
        JsonElement stalled = r.GetProperty("with_stalled_member");
        Assert.Equal(0, stalled.GetProperty("lost").GetInt64());
        Assert.Equal(120, stalled.GetProperty("stalled").GetProperty("expected").GetInt64());
        Assert.True(r.GetProperty("p99_ratio").GetDouble() > 0);
    }

    [Fact]
    public async Task Idle_holds_connections_from_several_source_addresses_and_each_gets_its_rooms_message()
    {
        JsonElement r = await RunJsonAsync("idle", "--conns", "60", "--room-size", "20", "--sources", "3", "--hold", "0.2");

        Assert.Equal(0, r.GetProperty("lost").GetInt64());
        Assert.Equal(60, r.GetProperty("deliveries").GetInt64());
        Assert.Equal(3, r.GetProperty("rooms").GetInt32());
        Assert.True(r.GetProperty("server_rss_after_hold_bytes").GetInt64() > 0);
    }

    [Fact]
    public async Task Idle_with_a_message_size_carries_one_message_of_that_size_per_room_before_the_hold()
    {
        // 16,000 bytes of text is a frame several times the receive buffer a room of 20 would otherwise get.
        JsonElement r = await RunJsonAsync("idle", "--conns", "40", "--room-size", "20", "--message-size", "16000", "--hold", "0.2");

        Assert.Equal(0, r.GetProperty("lost").GetInt64());
        Assert.Equal(16000, r.GetProperty("message_size").GetInt32());
        Assert.Equal(2 * 40, r.GetProperty("deliveries").GetInt64());
        Assert.Empty(r.GetProperty("problems").EnumerateArray());
    }

    [Fact]
    public async Task Ack_closed_loop_stores_every_message_it_acknowledged_and_reads_the_count_back()
    {
        JsonElement r = await RunJsonAsync("ack", "--pubs", "3", "--msgs", "400", "--window", "50", "--warmup-msgs", "100");

        Assert.Equal("closed", r.GetProperty("loop").GetString());
        Assert.Equal(3 * 400, r.GetProperty("acked").GetInt64());
        Assert.Equal(0, r.GetProperty("unanswered").GetInt64());
        Assert.Equal(0, r.GetProperty("refused").GetInt64());
        Assert.Equal(3 * 500, r.GetProperty("acked_total").GetInt64());
        Assert.Equal(3 * 500, r.GetProperty("stored").GetInt64());
        Assert.True(r.GetProperty("fsync").GetBoolean());
        Assert.True(r.GetProperty("acks_per_second").GetDouble() > 0);
        Assert.True(r.GetProperty("cost").GetProperty("server_cpu_seconds").GetDouble() >= 0);
        Assert.True(r.GetProperty("passed").GetBoolean());
    }

    [Fact]
    public async Task Ack_open_loop_times_every_measured_message_from_its_intended_send_to_its_ack()
    {
        string chart = Path.Combine(Path.GetTempPath(), $"parley-bench-test-{Guid.NewGuid():N}.svg");
        try
        {
            JsonElement r = await RunJsonAsync("ack", "--pubs", "2", "--rate", "100", "--duration", "1", "--warmup", "0.2", "--no-fsync", "--chart", chart);

            Assert.Equal("open", r.GetProperty("loop").GetString());
            Assert.Equal(100, r.GetProperty("messages").GetInt64());
            Assert.Equal(100, r.GetProperty("acked").GetInt64());
            Assert.Equal(120, r.GetProperty("stored").GetInt64());
            Assert.False(r.GetProperty("fsync").GetBoolean());
            Assert.Contains("fsync off", r.GetProperty("server").GetString(), StringComparison.Ordinal);
            JsonElement latency = r.GetProperty("latency");
            Assert.Equal(100, latency.GetProperty("samples").GetInt64());
            double p50 = latency.GetProperty("p50_ms").GetDouble(), p99 = latency.GetProperty("p99_ms").GetDouble();
            Assert.True(p50 > 0 && p50 <= p99 && p99 <= latency.GetProperty("max_ms").GetDouble());
            Assert.StartsWith("<svg", await File.ReadAllTextAsync(chart), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(chart);
        }
    }

    [Fact]
    public async Task A_running_server_is_measured_through_server_and_its_pid()
    {
        string data = Directory.CreateTempSubdirectory("parley-bench-test-").FullName;
        // As docs/BENCHMARKS.md tells an operator: the bench sends as fast as the server accepts, so a server it
        // attaches to runs without rate limits (with them, the sender is refused, then disconnected for flooding).
        await using ParleyProcess server = ParleyProcess.Start("serve", "--listen", "127.0.0.1:0", "--data", data, "--log-level", "Warning", "--no-rate-limits");
        try
        {
            string line = await server.WaitForLineAsync(l => l.StartsWith("listening on ", StringComparison.Ordinal), reason: "with the bound port");
            string address = line["listening on ".Length..];
            string tls = await server.WaitForLineAsync(l => l.StartsWith("tls fingerprint ", StringComparison.Ordinal), reason: "with its fingerprint");
            string fingerprint = tls.Split(' ')[2];

            JsonElement r = await RunJsonAsync("fanout", "--server", address, "--server-pid", $"{server.Id}", "--trust", fingerprint,
                "--subs", "3", "--pubs", "1", "--msgs", "100", "--size", "16");

            Assert.Equal(0, r.GetProperty("lost").GetInt64());
            Assert.Equal(300, r.GetProperty("deliveries").GetInt64());
            Assert.Contains("running server", r.GetProperty("server").GetString(), StringComparison.Ordinal);
            Assert.True(r.GetProperty("cost").GetProperty("server_rss_bytes").GetInt64() > 0);
            Assert.False(server.HasExited, "the bench must leave a server it did not start running");
        }
        finally
        {
            await server.DisposeAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Insecure_no_tls_runs_the_server_and_the_bench_without_tls()
    {
        JsonElement r = await RunJsonAsync("fanout", "--insecure-no-tls", "--subs", "3", "--pubs", "1", "--msgs", "100", "--size", "16", "--warmup-msgs", "0");

        Assert.Equal(300, r.GetProperty("deliveries").GetInt64());
        Assert.Contains("tls off", r.GetProperty("server").GetString(), StringComparison.Ordinal);
        Assert.Equal(PlainReceivePath, r.GetProperty("cost").GetProperty("bench_receive").GetString());
    }

    [Fact]
    public async Task Stall_over_plain_tcp_stops_and_resumes_the_member_on_the_epoll_thread()
    {
        JsonElement r = await RunJsonAsync("stall", "--insecure-no-tls", "--subs", "4", "--rate", "100", "--duration", "1", "--warmup", "0.2");

        JsonElement stalled = r.GetProperty("with_stalled_member");
        Assert.Equal(0, r.GetProperty("baseline").GetProperty("lost").GetInt64());
        Assert.Equal(0, stalled.GetProperty("lost").GetInt64());
        Assert.Equal(4 * 100, stalled.GetProperty("latency").GetProperty("samples").GetInt64());
        JsonElement fate = stalled.GetProperty("stalled");
        Assert.Equal(0, fate.GetProperty("received_while_stalled").GetInt64());
        Assert.Equal(120, fate.GetProperty("received_after_resuming").GetInt64());
        Assert.Equal(PlainReceivePath, stalled.GetProperty("cost").GetProperty("bench_receive").GetString());
    }

    [Fact]
    public async Task Idle_over_plain_tcp_reads_every_connection_on_the_epoll_thread()
    {
        JsonElement r = await RunJsonAsync("idle", "--insecure-no-tls", "--conns", "300", "--room-size", "50", "--sources", "2", "--hold", "0.2");

        Assert.Equal(0, r.GetProperty("lost").GetInt64());
        Assert.Equal(300, r.GetProperty("deliveries").GetInt64());
        Assert.Equal(PlainReceivePath, r.GetProperty("bench_receive").GetString());
    }

    [Fact]
    public async Task An_unpinned_running_server_is_refused_without_trust()
    {
        string data = Directory.CreateTempSubdirectory("parley-bench-test-").FullName;
        await using ParleyProcess server = ParleyProcess.Start("serve", "--listen", "127.0.0.1:0", "--data", data, "--log-level", "Warning");
        try
        {
            string line = await server.WaitForLineAsync(l => l.StartsWith("listening on ", StringComparison.Ordinal), reason: "with the bound port");

            await using ParleyProcess bench = ParleyProcess.Start("bench", "fanout", "--server", line["listening on ".Length..], "--subs", "1", "--pubs", "1", "--msgs", "1", "--quiet");

            Assert.Equal(2, await bench.WaitForExitAsync(RunLimit));
            Assert.Contains(bench.ErrorLines, l => l.Contains("is not a known server", StringComparison.Ordinal));
        }
        finally
        {
            await server.DisposeAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    [Theory]
    [InlineData("192.0.2.1:7275")]
    [InlineData("[2001:db8::1]:7275")]
    public async Task A_server_off_this_machine_is_refused_before_any_connection(string address)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => ServerUnderTest.AttachAsync(address, null, null, CancellationToken.None));
    }

    [Fact]
    public async Task Options_out_of_bounds_are_usage_errors()
    {
        await using ParleyProcess bench = ParleyProcess.Start("bench", "fanout", "--size", "8");
        Assert.NotEqual(0, await bench.WaitForExitAsync(RunLimit));
        Assert.Contains(bench.ErrorLines, l => l.Contains("--size must be from 16", StringComparison.Ordinal));

        await using ParleyProcess ack = ParleyProcess.Start("bench", "ack", "--rate", "0");
        Assert.NotEqual(0, await ack.WaitForExitAsync(RunLimit));
        Assert.Contains(ack.ErrorLines, l => l.Contains("--rate must be from 1", StringComparison.Ordinal));
    }

    /// <summary>What plain TCP must report here: the epoll thread where it exists (a silent fall-back fails), the stream loop elsewhere.</summary>
    private static string PlainReceivePath => Parley.Bench.Wire.Epoll.IsSupported ? "epoll" : "stream";

    private static async Task<JsonElement> RunJsonAsync(params string[] args)
    {
        await using ParleyProcess bench = ParleyProcess.Start(["bench", .. args, "--json", "--quiet"]);
        int exit = await bench.WaitForExitAsync(RunLimit);
        Assert.True(exit == 0, bench.Explain($"parley bench {string.Join(' ', args)} exited with {exit}"));
        using JsonDocument json = JsonDocument.Parse(string.Join('\n', bench.Lines));
        return json.RootElement.Clone();
    }
}
