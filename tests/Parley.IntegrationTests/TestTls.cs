using Parley.Client;
using Parley.TestUtilities;

namespace Parley.IntegrationTests;

/// <summary>Client TLS settings for tests: trust exactly the server under test, and never touch the user's known servers.</summary>
internal static class TestTls
{
    /// <summary>A pin store in a fresh temporary directory.</summary>
    public static KnownServers TemporaryStore() =>
        new(Path.Combine(Path.GetTempPath(), "parley-tests", "known-" + Guid.NewGuid().ToString("N"), "known_servers"));

    /// <summary>Accepts only <paramref name="fingerprint"/>; plain TCP when it is null (a server with TLS off).</summary>
    public static ClientTlsOptions Trusting(string? fingerprint) => fingerprint is null
        ? new ClientTlsOptions { Enabled = false }
        : new ClientTlsOptions { TrustedFingerprint = fingerprint, KnownServers = TemporaryStore() };

    /// <summary>What a client of <paramref name="server"/> uses.</summary>
    public static ClientTlsOptions For(ServerProcess server) => Trusting(server.Fingerprint);

    /// <inheritdoc cref="For(ServerProcess)"/>
    public static ClientTlsOptions For(InProcessServer server) => Trusting(server.Fingerprint);
}
