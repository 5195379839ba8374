using Parley.Tui.Text;

namespace Parley.Tui.Render;

/// <summary>A grapheme cluster with its width and style, ready to be laid out.</summary>
internal readonly record struct Glyph(string Text, int Width, Style Style)
{
    /// <summary>Starts a new row (a line break inside a message).</summary>
    public static readonly Glyph Break = new("\n", 0, Role.Default);

    public bool IsBreak => Text == "\n";
}

/// <summary>Builds a line of styled glyphs, then wraps it into rows of a given width.</summary>
internal sealed class GlyphLine
{
    private readonly List<Glyph> _glyphs = [];

    public int Width { get; private set; }

    public GlyphLine Add(string text, Style style)
    {
        foreach (string g in CellWidth.Graphemes(text))
        {
            int w = CellWidth.OfGrapheme(g);
            if (w > 0)
            {
                _glyphs.Add(new Glyph(g, w, style));
                Width += w;
            }
        }

        return this;
    }

    public GlyphLine Break()
    {
        _glyphs.Add(Glyph.Break);
        return this;
    }

    /// <summary>
    /// Wraps into rows at most <paramref name="width"/> columns wide. Rows after the first start with
    /// <paramref name="indent"/> spaces (at most half the width), so wrapped text lines up after the nickname.
    /// Breaks after a space where one is near enough, else mid-word.
    /// </summary>
    public List<List<Glyph>> Wrap(int width, int indent)
    {
        indent = Math.Clamp(indent, 0, width / 2);
        List<List<Glyph>> rows = [];
        List<Glyph> row = [];
        int used = 0;
        int lastSpace = -1;
        int contentStart = 0;

        void NewRow()
        {
            rows.Add(row);
            row = [.. Enumerable.Repeat(new Glyph(" ", 1, Role.Default), indent)];
            used = indent;
            lastSpace = -1;
            contentStart = indent;
        }

        foreach (Glyph g in _glyphs)
        {
            if (g.IsBreak)
            {
                NewRow();
                continue;
            }

            if (used + g.Width > width && used > contentStart)
            {
                if (lastSpace >= contentStart && lastSpace < row.Count - 1)
                {
                    List<Glyph> carry = row[(lastSpace + 1)..];
                    row.RemoveRange(lastSpace + 1, row.Count - lastSpace - 1);
                    NewRow();
                    row.AddRange(carry);
                    used += carry.Sum(c => c.Width);
                }
                else
                {
                    NewRow();
                }
            }

            row.Add(g);
            used += g.Width;
            if (g.Text == " ")
            {
                lastSpace = row.Count - 1;
            }
        }

        rows.Add(row);
        return rows;
    }
}
