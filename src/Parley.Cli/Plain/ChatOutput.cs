namespace Parley.Cli.Plain;

/// <summary>Writes whole lines to the terminal from two tasks (events and command replies) without interleaving them.</summary>
internal sealed class ChatOutput(TextWriter writer)
{
    private readonly Lock _lock = new();

    public void Line(string line) => Lines([line]);

    public void Lines(IEnumerable<string> lines)
    {
        lock (_lock)
        {
            foreach (string line in lines)
            {
                writer.WriteLine(line);
            }

            // Flushed per event: a script reading our stdout through a pipe sees each line the moment it happens.
            writer.Flush();
        }
    }
}
