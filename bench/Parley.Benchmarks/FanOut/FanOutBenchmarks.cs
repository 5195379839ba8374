using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Parley.Server;
using Parley.Server.Chat;
using Parley.Server.Connections;
using Parley.Server.Storage;

namespace Parley.Benchmarks.FanOut;

/// <summary>
/// One stored message offered to every member of a room: encode once, then one reference into each
/// member's send queue (issue 2's target: 10,000 members in under 1 ms, no allocation per member).
/// The write loops are not running, so this is the producer's cost alone; queues are emptied
/// between iterations.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class FanOutBenchmarks
{
    private const int MessagesPerIteration = 256;

    private ServerContext _context = null!;
    private Room _room = null!;
    private ClientConnection[] _members = [];
    private StoredMessage _message = null!;

    [Params(10, 1_000, 10_000)]
    public int Members { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var options = new ServerOptions
        {
            // Room for every iteration's frames: nobody is evicted while the benchmark runs.
            SendQueueSoftBytes = long.MaxValue / 4,
            SendQueueHardBytes = long.MaxValue / 2,
        };
        _context = new ServerContext(options, TimeProvider.System, NullLogger.Instance, new ServerMetrics());
        _members = new ClientConnection[Members];
        var sessions = new Session[Members];
        for (int i = 0; i < Members; i++)
        {
            var pipe = new Pipe();
            _members[i] = new ClientConnection($"bench-{i}", null, new DuplexPipe(pipe.Reader, pipe.Writer), static () => { }, _context);
            sessions[i] = _members[i].Session;
        }

        _room = new Room("#bench", "#bench", string.Empty, _context);
        _room.Seed(sessions);
        _message = new StoredMessage("#bench", 1, 42, 1_700_000_000_000, "alice", "alice", string.Empty,
            new string('x', 100), false, "client-id-1");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _context.Committer.Dispose();
        _context.Metrics.Dispose();
    }

    [IterationCleanup]
    public void Drain()
    {
        foreach (ClientConnection member in _members)
        {
            while (member.Queue.TryDequeueData(out _))
            {
            }
        }
    }

    [Benchmark(OperationsPerInvoke = MessagesPerIteration)]
    [InvocationCount(1)]
    public void Deliver_to_every_member()
    {
        for (int i = 0; i < MessagesPerIteration; i++)
        {
            _room.Deliver(_message);
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
