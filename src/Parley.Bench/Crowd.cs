using System.Net;
using Parley.Bench.Server;
using Parley.Bench.Wire;

namespace Parley.Bench;

/// <summary>Many connections, logged in and joined: the members of a run, set up concurrently.</summary>
internal sealed class Crowd : IAsyncDisposable
{
    // Concurrent handshakes: enough to keep the server's accept loop and the loopback busy,
    // below Kestrel's listen backlog (512) so no connection attempt waits in a SYN queue.
    private const int Parallelism = 64;

    private Crowd(BenchClient[] members) => Members = members;

    public BenchClient[] Members { get; }

    public long Delivered => Members.Sum(m => m.Delivered);

    /// <summary>
    /// Connects <paramref name="count"/> clients with the nicknames and rooms given, round-robin over
    /// <paramref name="sources"/> (null: the kernel picks 127.0.0.1).
    /// </summary>
    public static async Task<Crowd> ConnectAsync(
        ServerUnderTest server, int count, Func<int, string> nick, Func<int, string> room, IPAddress[]? sources,
        int bufferSize, TimeSpan requestTimeout, Progress progress, string what, CancellationToken cancellationToken)
    {
        var members = new BenchClient[count];
        int ready = 0;
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, count),
                new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                async (i, token) =>
                {
                    BenchClient client = await BenchClient.ConnectAsync(server.EndPoint, server.Trust, sources?[i % sources.Length], bufferSize, token)
                        .ConfigureAwait(false);
                    members[i] = client;
                    await client.HelloAsync(nick(i), requestTimeout).ConfigureAwait(false);
                    await client.JoinAsync(room(i), requestTimeout).ConfigureAwait(false);
                    int done = Interlocked.Increment(ref ready);
                    progress.Report(() => $"{what}: {done:N0} of {count:N0} connected and joined", force: done == count);
                }).ConfigureAwait(false);
        }
        catch
        {
            await DisposeAllAsync(members).ConfigureAwait(false);
            throw;
        }

        return new Crowd(members);
    }

    public ValueTask DisposeAsync() => DisposeAllAsync(Members);

    private static async ValueTask DisposeAllAsync(BenchClient?[] members)
    {
        foreach (BenchClient? member in members)
        {
            if (member is not null)
            {
                await member.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
