using System.CommandLine;
using System.Net.Sockets;
using Parley.Bench;
using Parley.Bench.Modes;
using Parley.Bench.Report;
using Parley.Bench.Server;
using Parley.Protocol;

namespace Parley.Cli.Bench;

/// <summary>
/// <c>parley bench fanout|latency|stall|idle|ack</c>: wiring over Parley.Bench. Exit code 0 when no
/// delivery was lost, 1 when one was (or the run broke), 2 when the run could not start.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Measure a server on this machine: fan-out throughput, latency, a stalled member, idle connections. " +
            "Starts its own `parley serve` on 127.0.0.1:0 unless --server is given; traffic goes to loopback addresses only.")
        {
            Fanout(), Latency("latency", "Open-loop latency percentiles at a fixed message rate (measured from each message's intended send time)"),
            Latency("stall", "The latency run twice, without and with one member that stops reading: the others' percentiles side by side"),
            Idle(), Ack(),
        };
        return command;
    }

    private static Command Fanout()
    {
        Option<int> subs = Count("--subs", "Members that receive", 100, 1, 100_000);
        Option<int> pubs = Count("--pubs", "Members that send", 4, 1, 1000);
        Option<int> msgs = Count("--msgs", "Messages each sender sends", 5000, 1, 10_000_000);
        Option<int> size = Size();
        Option<int> window = Count("--window", "Most unacknowledged messages per sender", 1000, 1, 100_000);
        var warmup = new Option<int?>("--warmup-msgs")
        {
            Description = "Messages each sender sends first, not measured, so the server is past its JIT warm-up (default: as many as --msgs; 0: none)",
        };
        warmup.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 0 or > 10_000_000)
            {
                r.AddError("--warmup-msgs must be from 0 to 10,000,000");
            }
        });
        Option<double> timeout = Seconds("--timeout", "Longest the warm-up, and then the measured phase, may take, in seconds", 120, max: 3600);
        var common = new CommonBenchOptions();
        var command = new Command("fanout", "N members in one room, K senders sending M messages each as fast as the server acknowledges them")
        {
            subs, pubs, msgs, size, window, warmup, timeout,
        };
        common.AddTo(command);
        command.SetAction((result, cancellationToken) => common.RunAsync(result, (settings, token) => BenchRunner.FanoutAsync(new FanoutOptions
        {
            Subs = result.GetValue(subs), Pubs = result.GetValue(pubs), Messages = result.GetValue(msgs), Size = result.GetValue(size),
            Window = result.GetValue(window), WarmupMessages = result.GetValue(warmup), Timeout = TimeSpan.FromSeconds(result.GetValue(timeout)),
        }, settings, token), cancellationToken));
        return command;
    }

    private static Command Latency(string name, string description)
    {
        Option<int> subs = Count("--subs", "Members that receive and record latency", 500, 1, 100_000);
        Option<int> pubs = Count("--pubs", "Senders the rate is spread over", 1, 1, 1000);
        Option<double> rate = Seconds("--rate", "Messages per second into the room", 200);
        Option<double> duration = Seconds("--duration", "Measured seconds", 10, max: 3600);
        Option<double> warmup = Seconds("--warmup", "Seconds at the same rate before, not recorded", 1, min: 0, max: 600);
        Option<int> size = Size();
        var chart = new Option<string?>("--chart") { Description = "Also write a latency-by-percentile chart to this SVG file" };
        var common = new CommonBenchOptions();
        var command = new Command(name, description) { subs, pubs, rate, duration, warmup, size, chart };
        common.AddTo(command);
        command.SetAction((result, cancellationToken) => common.RunAsync(result, (settings, token) =>
        {
            var options = new LatencyOptions
            {
                Subs = result.GetValue(subs), Pubs = result.GetValue(pubs), Rate = result.GetValue(rate), Duration = result.GetValue(duration),
                Warmup = result.GetValue(warmup), Size = result.GetValue(size),
            };
            return name == "stall"
                ? BenchRunner.StallAsync(options, settings, result.GetValue(chart), token)
                : BenchRunner.LatencyAsync(options, settings, result.GetValue(chart), token);
        }, cancellationToken));
        return command;
    }

    private static Command Ack()
    {
        Option<int> pubs = Count("--pubs", "Senders, each alone in a room of its own", 4, 1, 1000);
        Option<int> msgs = Count("--msgs", "Closed loop: messages each sender sends", 20_000, 1, 10_000_000);
        Option<int> size = Size();
        Option<int> window = Count("--window", "Closed loop: most unacknowledged messages per sender", 1000, 1, 100_000);
        var warmupMsgs = new Option<int?>("--warmup-msgs")
        {
            Description = "Closed loop: messages each sender sends first, not measured (default: as many as --msgs; 0: none)",
        };
        warmupMsgs.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 0 or > 10_000_000)
            {
                r.AddError("--warmup-msgs must be from 0 to 10,000,000");
            }
        });
        var rate = new Option<double?>("--rate")
        {
            Description = "Open loop: messages per second, all senders together, each timed from its intended send time to its Sent reply (default: closed loop)",
        };
        rate.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double?>() is double value && !(value >= 1 && value <= 1_000_000))
            {
                r.AddError("--rate must be from 1 to 1,000,000");
            }
        });
        Option<double> duration = Seconds("--duration", "Open loop: measured seconds", 10, max: 3600);
        Option<double> warmup = Seconds("--warmup", "Open loop: seconds at the same rate before, not recorded", 1, min: 0, max: 600);
        Option<double> timeout = Seconds("--timeout", "Closed loop: longest the warm-up, and then the measured phase, may take, in seconds", 120, max: 3600);
        var chart = new Option<string?>("--chart") { Description = "Open loop: also write a send-to-ack latency-by-percentile chart to this SVG file" };
        var common = new CommonBenchOptions();
        var command = new Command("ack", "Durable acknowledgements: stored, fsync'd and acknowledged messages per second (closed loop), " +
            "or send-to-ack latency percentiles at a fixed rate (--rate); the stored count is read back and must equal the acknowledged one")
        {
            pubs, msgs, size, window, warmupMsgs, rate, duration, warmup, timeout, chart,
        };
        common.AddTo(command);
        command.SetAction((result, cancellationToken) => common.RunAsync(result, (settings, token) => BenchRunner.AckAsync(new AckOptions
        {
            Pubs = result.GetValue(pubs), Messages = result.GetValue(msgs), Size = result.GetValue(size), Window = result.GetValue(window),
            WarmupMessages = result.GetValue(warmupMsgs), Rate = result.GetValue(rate), Duration = result.GetValue(duration),
            Warmup = result.GetValue(warmup), Timeout = TimeSpan.FromSeconds(result.GetValue(timeout)),
        }, settings, result.GetValue(chart), token), cancellationToken));
        return command;
    }

    private static Command Idle()
    {
        Option<int> conns = Count("--conns", "Connections to hold, logged in and joined", 10_000, 1, 1_000_000);
        Option<int> roomSize = Count("--room-size", "Members per room", 100, 1, 100_000);
        Option<int> sources = Count("--sources", "Source addresses 127.0.0.2.. to spread connections over (0: one per 10,000)", 0, 0, 250);
        Option<int> messageSize = Count("--message-size", "Bytes of one message sent into each room before the hold, so the memory is that of connections that carried one (0: none)",
            0, 0, Protocol.ProtocolConstants.MaxTextBytes);
        Option<double> hold = Seconds("--hold", "Seconds to hold them idle before reading the server's memory", 5, min: 0, max: 600);
        Option<double> timeout = Seconds("--timeout", "Longest the whole run may take, in seconds", 600);
        var common = new CommonBenchOptions();
        var command = new Command("idle", "C idle connections, logged in and joined; the server's memory per connection")
        {
            conns, roomSize, sources, messageSize, hold, timeout,
        };
        common.AddTo(command);
        command.SetAction((result, cancellationToken) => common.RunAsync(result, (settings, token) => BenchRunner.IdleAsync(new IdleOptions
        {
            Conns = result.GetValue(conns), RoomSize = result.GetValue(roomSize), Sources = result.GetValue(sources),
            MessageSize = result.GetValue(messageSize), Hold = result.GetValue(hold), Timeout = TimeSpan.FromSeconds(result.GetValue(timeout)),
        }, settings, token), cancellationToken));
        return command;
    }

    private static Option<int> Count(string name, string description, int defaultValue, int min, int max)
    {
        var option = new Option<int>(name) { Description = $"{description} (default {defaultValue:N0})", DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(r =>
        {
            int value = r.GetValueOrDefault<int>();
            if (value < min || value > max)
            {
                r.AddError($"{name} must be from {min:N0} to {max:N0}");
            }
        });
        return option;
    }

    private static Option<double> Seconds(string name, string description, double defaultValue, double min = 0.001, double max = 86_400)
    {
        var option = new Option<double>(name) { Description = $"{description} (default {defaultValue})", DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(r =>
        {
            double value = r.GetValueOrDefault<double>();
            if (!(value >= min && value <= max))
            {
                r.AddError($"{name} must be from {min} to {max}");
            }
        });
        return option;
    }

    private static Option<int> Size() =>
        Count("--size", "Bytes of text per message; the first 16 carry a timestamp", 100, 16, ProtocolConstants.MaxTextBytes);

    /// <summary>The options every mode takes, and running a mode with them.</summary>
    private sealed class CommonBenchOptions
    {
        private readonly Option<string?> _server = new("--server")
        {
            HelpName = "HOST:PORT",
            Description = "Measure this running server (a loopback address) instead of starting one",
        };

        private readonly Option<int?> _serverPid = new("--server-pid") { Description = "The running server's process id, to read its CPU and memory from /proc" };
        private readonly Option<bool> _noFsync = new("--no-fsync") { Description = "Start the server with SyncCommits=false (acknowledged messages survive a server crash, not a power loss)" };
        private readonly Option<bool> _json = new("--json") { Description = "Print the result as JSON" };
        private readonly Option<bool> _quiet = new("--quiet", "-q") { Description = "No progress display on standard error" };

        // TLS both ways by default; --insecure-no-tls starts the server with it too. --trust is for a --server that is not
        // pinned: the server the bench starts is trusted by the fingerprint it prints.
        private readonly TlsFlags _tls = new(firstUse: false);

        public void AddTo(Command command)
        {
            _tls.AddTo(command);
            command.Options.Add(_server);
            command.Options.Add(_serverPid);
            command.Options.Add(_noFsync);
            command.Options.Add(_json);
            command.Options.Add(_quiet);
        }

        public async Task<int> RunAsync(ParseResult result, Func<BenchSettings, CancellationToken, Task<IBenchResult>> run, CancellationToken cancellationToken)
        {
            BenchSettings.UseInlineSocketCompletions();
            Parley.Client.ClientTlsOptions tls = _tls.Read(result);
            var settings = new BenchSettings
            {
                Tls = tls.Enabled,
                TrustedFingerprint = tls.TrustedFingerprint,
                Server = result.GetValue(_server),
                ServerPid = result.GetValue(_serverPid),
                SyncCommits = !result.GetValue(_noFsync),
                Launcher = ThisExecutable(),
                ProgressOutput = result.GetValue(_quiet) ? null : Console.Error,
                ProgressIsTerminal = !Console.IsErrorRedirected,
            };
            try
            {
                IBenchResult outcome = await run(settings, cancellationToken).ConfigureAwait(false);
                return BenchRunner.Report(outcome, Console.Out, result.GetValue(_json));
            }
            catch (Exception ex) when (ex is IOException or SocketException or TimeoutException or InvalidOperationException or Parley.Protocol.ParleyException
                or ArgumentException or FormatException or OperationCanceledException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"parley bench: {ex.Message}").ConfigureAwait(false);
                return 2;
            }
        }

        /// <summary>How this very executable is run again, as <c>parley serve</c>: the apphost, or the dotnet host with parley.dll.</summary>
        private static ServerLauncher ThisExecutable()
        {
            string? self = Environment.ProcessPath;
            string dll = typeof(BenchCommand).Assembly.Location;
            return self is not null && Path.GetFileNameWithoutExtension(self) != "dotnet"
                ? new ServerLauncher(self, [])
                : new ServerLauncher(self ?? "dotnet", [dll]);
        }
    }
}
