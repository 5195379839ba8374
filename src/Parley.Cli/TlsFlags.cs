using System.CommandLine;
using Parley.Client;
using Parley.Protocol;

namespace Parley.Cli;

/// <summary>
/// The TLS flags every client command takes (<c>chat</c>, <c>send</c>, <c>health</c>, <c>bench</c>), read the same way:
/// <c>--trust SHA256:...</c>, <c>--trust-on-first-use</c>, <c>--insecure-no-tls</c>.
/// </summary>
internal sealed class TlsFlags
{
    private readonly Option<string?> _trust = new("--trust")
    {
        HelpName = "SHA256:...",
        Description = "Accept only the server whose key has this fingerprint (its operator prints it with `parley admin fingerprint`), and pin it",
    };

    private readonly Option<bool> _firstUse = new("--trust-on-first-use")
    {
        Description = "Pin an unknown server's fingerprint without asking. It trusts whoever answers first; a changed one is still refused",
    };

    private readonly Option<bool> _insecure = new("--insecure-no-tls")
    {
        Description = "Plain TCP, for a server started with --insecure-no-tls: no encryption, no check of the server's identity",
    };

    public TlsFlags(bool firstUse = true)
    {
        FirstUse = firstUse;
        _trust.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } text && !TlsFingerprint.TryParse(text, out _))
            {
                result.AddError($"--trust: '{text}' is not a fingerprint (SHA256: followed by 43 base64 characters, as `parley admin fingerprint` prints)");
            }
        });
    }

    /// <summary>Whether <c>--trust-on-first-use</c> is offered (not by the bench, which knows its server's fingerprint).</summary>
    private bool FirstUse { get; }

    public void AddTo(Command command)
    {
        command.Options.Add(_trust);
        if (FirstUse)
        {
            command.Options.Add(_firstUse);
        }

        command.Options.Add(_insecure);
        command.Validators.Add(result =>
        {
            if (result.GetValue(_insecure) && (result.GetValue(_trust) is not null || (FirstUse && result.GetValue(_firstUse))))
            {
                result.AddError("--insecure-no-tls turns off TLS, so there is no fingerprint to trust: give one or the other");
            }
        });
    }

    public ClientTlsOptions Read(ParseResult result) => new()
    {
        Enabled = !result.GetValue(_insecure),
        TrustedFingerprint = result.GetValue(_trust),
        TrustOnFirstUse = FirstUse && result.GetValue(_firstUse),
    };
}
