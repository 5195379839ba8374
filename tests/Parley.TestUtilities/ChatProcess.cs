namespace Parley.TestUtilities;

/// <summary><c>parley chat HOST:PORT --plain --name NICK</c> as a child process, driven through stdin and read through stdout.</summary>
public sealed class ChatProcess : IAsyncDisposable
{
    private ChatProcess(ParleyProcess process, string nick)
    {
        Process = process;
        Nick = nick;
    }

    public ParleyProcess Process { get; }

    public string Nick { get; }

    public IReadOnlyList<string> Lines => Process.Lines;

    /// <summary>Starts a client of <paramref name="server"/> (trusting its fingerprint) and waits until it is connected.</summary>
    public static Task<ChatProcess> StartAsync(ServerProcess server, string nick) => StartAsync(server.Address, nick, server.ClientArgs);

    /// <summary>Starts the client and waits for <c>-- connected to ADDRESS as NICK</c>.</summary>
    public static async Task<ChatProcess> StartAsync(string address, string nick, params string[] extraArgs)
    {
        ParleyProcess process = ParleyProcess.Start(["chat", address, "--plain", "--name", nick, .. extraArgs]);
        try
        {
            await process.WaitForLineAsync(l => l == $"-- connected to {address} as {nick}", reason: "saying it is connected");
            return new ChatProcess(process, nick);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>Types a line.</summary>
    public Task TypeAsync(string line) => Process.WriteLineAsync(line);

    /// <summary>Types <c>/join ROOM</c> and waits for the reply (<c>[ROOM] -- members ...</c>).</summary>
    public async Task JoinAsync(string room)
    {
        int from = Lines.Count;
        await TypeAsync($"/join {room}");
        await Process.WaitForLineAsync(l => l.StartsWith($"[{room}] -- members", StringComparison.Ordinal), from, reason: $"confirming the join of {room}");
    }

    public Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan? timeout = null, string? reason = null) =>
        Process.WaitForLineAsync(match, timeout, reason);

    /// <summary>Types <c>/quit</c> and returns the exit code.</summary>
    public async Task<int> QuitAsync(string? message = null)
    {
        await TypeAsync(message is null ? "/quit" : $"/quit {message}");
        return await Process.WaitForExitAsync();
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
