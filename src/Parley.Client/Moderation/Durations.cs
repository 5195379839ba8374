using System.Globalization;

namespace Parley.Client;

/// <summary>Ban and mute durations as people type them: <c>90s</c>, <c>10m</c>, <c>2h</c>, <c>7d</c>, <c>2w</c>.</summary>
public static class Durations
{
    /// <summary>The longest the server accepts (ten years); longer is "until lifted", which is no duration at all.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromDays(3650);

    /// <summary>A whole number and one unit (s, m, h, d, w); false for anything else, zero, or more than <see cref="Max"/>.</summary>
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        if (text.Length < 2 || !long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n <= 0)
        {
            return false;
        }

        double days = char.ToLowerInvariant(text[^1]) switch
        {
            's' => n / 86400.0,
            'm' => n / 1440.0,
            'h' => n / 24.0,
            'd' => n,
            'w' => n * 7.0,
            _ => double.NaN,
        };
        if (double.IsNaN(days) || days > Max.TotalDays)
        {
            return false;
        }

        duration = TimeSpan.FromDays(days);
        return true;
    }

    /// <summary>The largest whole units: <c>2h</c>, <c>1d 6h</c>, <c>45s</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        var parts = new List<string>();
        if (duration.Days > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{duration.Days}d"));
        }

        if (duration.Hours > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{duration.Hours}h"));
        }

        if (duration.Minutes > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{duration.Minutes}m"));
        }

        if (duration.Seconds > 0 || parts.Count == 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{duration.Seconds}s"));
        }

        return string.Join(' ', parts.Take(2));
    }
}
