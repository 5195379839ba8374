namespace Parley.Bench.Report;

/// <summary>A two-column text table for the human report: names left, values right-aligned.</summary>
internal sealed class Table(string title)
{
    private readonly List<(string Name, string Value)> _rows = [];
    private readonly List<string> _notes = [];

    /// <summary>A line under the title, outside the columns (long values such as the server's description).</summary>
    public void Note(string text) => _notes.Add(text);

    public void Row(string name, string value) => _rows.Add((name, value));

    public void Write(TextWriter output)
    {
        int nameWidth = _rows.Count == 0 ? 0 : _rows.Max(r => r.Name.Length);
        int valueWidth = _rows.Count == 0 ? 0 : _rows.Max(r => r.Value.Length);
        output.WriteLine(title);
        foreach (string note in _notes)
        {
            output.WriteLine(note);
        }

        output.WriteLine(new string('-', nameWidth + valueWidth + 3));
        foreach ((string name, string value) in _rows)
        {
            output.WriteLine($"{name.PadRight(nameWidth)}   {value.PadLeft(valueWidth)}");
        }

        output.WriteLine();
    }
}
