namespace Parley.Bench.Report;

/// <summary>What every mode's result offers the command: a verdict, the human table, and itself for --json.</summary>
public interface IBenchResult
{
    /// <summary>fanout, latency, stall, idle or ack.</summary>
    string Mode { get; }

    /// <summary>No delivery lost, none out of order, nothing went wrong.</summary>
    bool Passed { get; }

    /// <summary>What went wrong, if anything.</summary>
    IReadOnlyList<string> Problems { get; }

    void WriteTable(TextWriter output);
}
