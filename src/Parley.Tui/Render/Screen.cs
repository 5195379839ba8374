using System.Text;
using Parley.Tui.Text;

namespace Parley.Tui.Render;

/// <summary>
/// A frame of the chat screen as a grid of cells, built by <see cref="ScreenRenderer"/> without any terminal, and
/// copied to the terminal by the Terminal.Gui layer. Tests read it as text.
/// </summary>
public sealed class Screen
{
    private readonly Cell[] _cells;

    public Screen(int width, int height)
    {
        Width = Math.Max(0, width);
        Height = Math.Max(0, height);
        _cells = new Cell[Width * Height];
        Array.Fill(_cells, Cell.Blank);
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Where the terminal cursor goes (in the input line); null to hide it.</summary>
    public (int X, int Y)? Cursor { get; set; }

    public Cell this[int x, int y] => _cells[(y * Width) + x];

    /// <summary>
    /// Writes <paramref name="text"/> from column <paramref name="x"/> of row <paramref name="y"/>, stopping before
    /// column <paramref name="end"/>; returns the column after the last cell written. A two-column character that
    /// would straddle <paramref name="end"/> is replaced by a space. Zero-width characters take no cell.
    /// </summary>
    public int Write(int x, int y, string text, Style style, int end = int.MaxValue)
    {
        end = Math.Min(end, Width);
        if (y < 0 || y >= Height)
        {
            return x;
        }

        foreach (string g in CellWidth.Graphemes(text))
        {
            x = Put(x, y, g, CellWidth.OfGrapheme(g), style, end);
            if (x >= end)
            {
                break;
            }
        }

        return x;
    }

    /// <summary>Writes one grapheme of known width; returns the next column.</summary>
    public int Put(int x, int y, string grapheme, int width, Style style, int end = int.MaxValue)
    {
        end = Math.Min(end, Width);
        if (width <= 0 || x < 0 || x >= end || y < 0 || y >= Height)
        {
            return x;
        }

        if (width == 2 && x + 1 >= end)
        {
            _cells[(y * Width) + x] = new Cell(" ", style);
            return x + 1;
        }

        _cells[(y * Width) + x] = new Cell(grapheme, style);
        if (width == 2)
        {
            _cells[(y * Width) + x + 1] = new Cell(string.Empty, style);
        }

        return x + width;
    }

    /// <summary>Fills columns [<paramref name="x"/>, <paramref name="end"/>) of a row with spaces in <paramref name="style"/>.</summary>
    public void Fill(int x, int y, int end, Style style)
    {
        end = Math.Min(end, Width);
        for (int i = Math.Max(0, x); i < end && y >= 0 && y < Height; i++)
        {
            _cells[(y * Width) + i] = new Cell(" ", style);
        }
    }

    /// <summary>The text of row <paramref name="y"/> as a terminal would show it.</summary>
    public string RowText(int y)
    {
        var sb = new StringBuilder(Width);
        for (int x = 0; x < Width; x++)
        {
            sb.Append(this[x, y].Text);
        }

        return sb.ToString();
    }

    public override string ToString() => string.Join('\n', Enumerable.Range(0, Height).Select(RowText));
}
