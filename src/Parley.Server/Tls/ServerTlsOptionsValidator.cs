using Microsoft.Extensions.Options;

namespace Parley.Server.Tls;

/// <summary>Checks <see cref="ServerOptions.Tls"/> at start, naming each bad setting.</summary>
internal sealed class ServerTlsOptionsValidator : IValidateOptions<ServerOptions>
{
    private static readonly TimeSpan MaxHandshakeTimeout = TimeSpan.FromMinutes(5);

    public ValidateOptionsResult Validate(string? name, ServerOptions options)
    {
        List<string> errors = Check(options.Tls);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static List<string> Check(ServerTlsOptions? tls)
    {
        var errors = new List<string>();
        if (tls is null)
        {
            errors.Add("Tls must not be null");
            return errors;
        }

        if (tls.HandshakeTimeout <= TimeSpan.Zero || tls.HandshakeTimeout > MaxHandshakeTimeout)
        {
            errors.Add($"Tls:HandshakeTimeout must be more than 0 and at most {MaxHandshakeTimeout:c}");
        }

        if (tls.ReloadCheckInterval < TimeSpan.FromSeconds(1) || tls.ReloadCheckInterval > TimeSpan.FromDays(1))
        {
            errors.Add("Tls:ReloadCheckInterval must be between 00:00:01 and 1.00:00:00");
        }

        if (string.IsNullOrWhiteSpace(tls.CertificateFile) != string.IsNullOrWhiteSpace(tls.KeyFile))
        {
            errors.Add("Tls:CertificateFile and Tls:KeyFile (--tls-cert, --tls-key) go together: give both or neither");
        }

        if (!tls.Enabled && tls.UsesFiles)
        {
            errors.Add("Tls:CertificateFile and Tls:KeyFile are set but TLS is off (--insecure-no-tls): drop one or the other");
        }

        return errors;
    }
}
