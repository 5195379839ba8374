using Microsoft.Extensions.Options;

namespace Parley.Server.Limits;

/// <summary>Checks <see cref="ServerOptions.RateLimits"/> at start, naming each bad setting.</summary>
internal sealed class RateLimitOptionsValidator : IValidateOptions<ServerOptions>
{
    public ValidateOptionsResult Validate(string? name, ServerOptions options)
    {
        List<string> errors = Check(options.RateLimits);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static List<string> Check(RateLimitOptions? limits)
    {
        var errors = new List<string>();
        if (limits is null)
        {
            errors.Add("RateLimits must not be null");
            return errors;
        }

        Count(limits.MessageBurst, "RateLimits:MessageBurst", errors);
        Count(limits.RequestBurst, "RateLimits:RequestBurst", errors);
        Count(limits.ConnectionBurst, "RateLimits:ConnectionBurst", errors);
        Count(limits.RefusalsBeforeDisconnect, "RateLimits:RefusalsBeforeDisconnect", errors);
        Rate(limits.MessagesPerSecond, "RateLimits:MessagesPerSecond", errors);
        Rate(limits.RequestsPerSecond, "RateLimits:RequestsPerSecond", errors);
        Rate(limits.ConnectionsPerSecond, "RateLimits:ConnectionsPerSecond", errors);
        if (limits.RefusalWindow <= TimeSpan.Zero || limits.RefusalWindow > TimeSpan.FromDays(1))
        {
            errors.Add("RateLimits:RefusalWindow must be between 00:00:00.001 and 1.00:00:00");
        }

        foreach (string address in limits.ExemptAddresses)
        {
            if (!ConnectionRateLimiter.TryParseNetwork(address ?? string.Empty, out _, out string error))
            {
                errors.Add($"RateLimits:ExemptAddresses: {error}");
            }
        }

        return errors;
    }

    private static void Count(int value, string key, List<string> errors)
    {
        if (value is < 0 or > 1_000_000)
        {
            errors.Add($"{key} must be between 0 (off) and 1000000");
        }
    }

    // At least one token a day (a slower rate is a ban, not a limit); at most a million a second.
    private static void Rate(double value, string key, List<string> errors)
    {
        if (!double.IsFinite(value) || value < 0 || (value > 0 && value < 1.0 / 86_400) || value > 1_000_000)
        {
            errors.Add($"{key} must be 0 (off) or between 0.0000116 (one a day) and 1000000");
        }
    }
}
