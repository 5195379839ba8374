using Microsoft.Extensions.Options;

namespace Parley.Server.Storage;

/// <summary>
/// Checks <see cref="ServerOptions.Retention"/> at start, naming each bad setting. Data annotations
/// can't do it: they don't look inside nested objects or dictionaries, nor compare room names.
/// </summary>
internal sealed class RetentionOptionsValidator : IValidateOptions<ServerOptions>
{
    // PeriodicTimer's ceiling is about 49 days (uint milliseconds); a month is as rare as a pass needs to be.
    private static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(30);

    public ValidateOptionsResult Validate(string? name, ServerOptions options)
    {
        List<string> errors = Check(options.Retention);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static List<string> Check(RetentionOptions? retention)
    {
        var errors = new List<string>();
        if (retention is null)
        {
            errors.Add("Retention must not be null");
            return errors;
        }

        if (retention.Period < TimeSpan.FromSeconds(1) || retention.Period > MaxPeriod)
        {
            errors.Add($"Retention:Period must be between 00:00:01 and {MaxPeriod:c}");
        }

        if (retention.DeleteBatchSize is < 1 or > 1_000_000)
        {
            errors.Add("Retention:DeleteBatchSize must be between 1 and 1000000");
        }

        CheckLimits("Retention:Default", retention.Default, errors);
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string room, RetentionLimits? limits) in retention.Rooms)
        {
            string setting = $"Retention:Rooms:{room}";
            if (!RetentionOptions.TryRoomKey(room, out string key, out string error))
            {
                errors.Add($"{setting}: not a room name ({error})");
                continue;
            }

            if (seen.TryGetValue(key, out string? other))
            {
                errors.Add($"{setting}: the same room as Retention:Rooms:{other}");
                continue;
            }

            seen[key] = room;
            CheckLimits(setting, limits, errors);
        }

        return errors;
    }

    private static void CheckLimits(string setting, RetentionLimits? limits, List<string> errors)
    {
        if (limits is null)
        {
            // A JSON null for the whole entry: treat as a mistake rather than guess "no limits" or "the default".
            errors.Add($"{setting} must be an object ({{}} for no limits)");
            return;
        }

        if (limits.MaxAge is { } age && age <= TimeSpan.Zero)
        {
            errors.Add($"{setting}:MaxAge must be positive (omit it for no age limit)");
        }

        if (limits.MaxCount is < 1)
        {
            errors.Add($"{setting}:MaxCount must be at least 1 (omit it for no count limit)");
        }
    }
}
