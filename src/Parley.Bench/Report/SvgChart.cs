using System.Globalization;
using System.Net;
using System.Text;

namespace Parley.Bench.Report;

/// <summary>
/// A latency-by-percentile chart as a hand-written SVG: the x axis spreads the tail (0, 90, 99,
/// 99.9, 99.99 % equally spaced, as HdrHistogram plots do), the y axis is milliseconds, one line
/// per series. No dependency, readable in any browser and on the project's pages.
/// </summary>
internal static class SvgChart
{
    private const int Width = 760;
    private const int Height = 420;
    private const int Left = 70;
    private const int Right = 170;
    private const int Top = 40;
    private const int Bottom = 50;
    private const double MaxNines = 5; // 99.999 %
    private static readonly string[] Colours = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e"];

    public static void Write(string path, string title, IReadOnlyList<(string Name, LatencyHistogram Histogram)> series)
    {
        double yMax = NiceCeiling(series.Max(s => LatencySummary.Ms(s.Histogram, 100)));
        var svg = new StringBuilder();
        svg.Append(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        svg.Append(Inv($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n"));
        svg.Append(Inv($"<text x=\"{Width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"14\">{WebUtility.HtmlEncode(title)}</text>\n"));
        int plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        for (int i = 0; i <= 5; i++)
        {
            double v = yMax * i / 5;
            double y = Top + plotH - (plotH * i / 5.0);
            svg.Append(Inv($"<line x1=\"{Left}\" y1=\"{y:0.#}\" x2=\"{Left + plotW}\" y2=\"{y:0.#}\" stroke=\"#ddd\"/>"));
            svg.Append(Inv($"<text x=\"{Left - 6}\" y=\"{y + 4:0.#}\" text-anchor=\"end\">{v:0.##}</text>\n"));
        }

        string[] labels = ["0%", "90%", "99%", "99.9%", "99.99%", "99.999%"];
        for (int n = 0; n <= MaxNines; n++)
        {
            double x = Left + (plotW * n / MaxNines);
            svg.Append(Inv($"<line x1=\"{x:0.#}\" y1=\"{Top}\" x2=\"{x:0.#}\" y2=\"{Top + plotH}\" stroke=\"#ddd\"/>"));
            svg.Append(Inv($"<text x=\"{x:0.#}\" y=\"{Top + plotH + 18}\" text-anchor=\"middle\">{labels[n]}</text>\n"));
        }

        svg.Append(Inv($"<rect x=\"{Left}\" y=\"{Top}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"none\" stroke=\"#444\"/>\n"));
        svg.Append(Inv($"<text x=\"{Left + (plotW / 2)}\" y=\"{Height - 10}\" text-anchor=\"middle\">percentile</text>\n"));
        svg.Append(Inv($"<text x=\"16\" y=\"{Top + (plotH / 2)}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {Top + (plotH / 2)})\">latency (ms)</text>\n"));
        for (int s = 0; s < series.Count; s++)
        {
            (string name, LatencyHistogram histogram) = series[s];
            string colour = Colours[s % Colours.Length];
            var points = new StringBuilder();
            foreach (double p in LatencySummary.CurvePercentiles)
            {
                double nines = p >= 100 ? MaxNines : Math.Min(MaxNines, -Math.Log10(1 - (p / 100)));
                double x = Left + (plotW * nines / MaxNines);
                double y = Top + plotH - (plotH * Math.Min(1, LatencySummary.Ms(histogram, p) / yMax));
                points.Append(Inv($"{x:0.#},{y:0.#} "));
            }

            svg.Append(Inv($"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{points.ToString().TrimEnd()}\"/>\n"));
            int ly = Top + 10 + (s * 20);
            svg.Append(Inv($"<line x1=\"{Width - Right + 12}\" y1=\"{ly}\" x2=\"{Width - Right + 32}\" y2=\"{ly}\" stroke=\"{colour}\" stroke-width=\"2\"/>"));
            svg.Append(Inv($"<text x=\"{Width - Right + 36}\" y=\"{ly + 4}\">{WebUtility.HtmlEncode(name)}</text>\n"));
        }

        svg.Append("</svg>\n");
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, svg.ToString());
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static double NiceCeiling(double value)
    {
        if (value <= 0)
        {
            return 1;
        }

        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (double step in (double[])[1, 2, 2.5, 5, 10])
        {
            if (value <= step * magnitude)
            {
                return step * magnitude;
            }
        }

        return 10 * magnitude;
    }
}
