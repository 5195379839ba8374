using Parley.Bench.Wire;

namespace Parley.Bench.Report;

/// <summary>Collects and prints what went wrong in a run.</summary>
internal static class ProblemList
{
    /// <summary>Adds connections that ended during the run (the bench closes none of them before it reports).</summary>
    public static void AddClosed(List<string> problems, IEnumerable<BenchClient> members, BenchClient? except = null)
    {
        var closed = members.Where(m => m != except && m.IsClosed).ToList();
        if (closed.Count > 0)
        {
            problems.Add($"{closed.Count:N0} connections ended during the run (first: {closed[0].Nick}: {closed[0].ClosedBecause})");
        }
    }

    public static void Write(TextWriter output, IReadOnlyList<string> problems)
    {
        foreach (string problem in problems)
        {
            output.WriteLine("problem: " + problem);
        }

        if (problems.Count > 0)
        {
            output.WriteLine();
        }
    }
}
