using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Parley.Protocol;
using Parley.Server.Hosting;
using Parley.Server.Tls;

namespace Parley.Server.Tests;

/// <summary>The self-signed certificate's life (made once, key 0600, re-issued with the same key) and the TLS settings' validation.</summary>
public sealed class TlsCertificateTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "parley-tests", Guid.NewGuid().ToString("N"), "tls");

    [Fact]
    public void The_first_start_makes_a_key_readable_only_by_its_owner_and_later_starts_reuse_it()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-24T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

        string first = Load(time);
        string certificate = File.ReadAllText(Path.Combine(_directory, "cert.pem"));
        string second = Load(time);

        Assert.Equal(first, second);
        Assert.Equal(certificate, File.ReadAllText(Path.Combine(_directory, "cert.pem")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_directory, "key.pem")));
        }

        Assert.Equal(2, Directory.GetFiles(_directory).Length);
        using X509Certificate2 loaded = X509Certificate2.CreateFromPem(certificate);
        Assert.Equal(first, TlsFingerprint.Of(loaded));
        Assert.Equal(TimeSpan.FromDays(397), loaded.NotAfter.ToUniversalTime() - time.GetUtcNow().UtcDateTime);
    }

    [Fact]
    public void A_certificate_near_its_end_is_reissued_for_the_same_key_so_the_fingerprint_stays()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-24T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        string before = Load(time);
        string oldCertificate = File.ReadAllText(Path.Combine(_directory, "cert.pem"));

        time.Advance(TimeSpan.FromDays(370));
        string after = Load(time);

        Assert.Equal(before, after);
        Assert.NotEqual(oldCertificate, File.ReadAllText(Path.Combine(_directory, "cert.pem")));
        using X509Certificate2 renewed = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_directory, "cert.pem")));
        Assert.True(renewed.NotAfter.ToUniversalTime() > time.GetUtcNow().UtcDateTime.AddDays(390));
    }

    [Fact]
    public void A_lost_key_means_a_new_identity()
    {
        var time = new FakeTimeProvider();
        string before = Load(time);
        File.Delete(Path.Combine(_directory, "key.pem"));

        Assert.NotEqual(before, Load(time));
    }

    [Fact]
    public void A_key_file_that_is_not_an_ec_key_is_refused_with_the_way_out()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(Path.Combine(_directory, "key.pem"), "not a key");

        var refused = Assert.Throws<InvalidDataException>(() => Load(new FakeTimeProvider()));
        Assert.Contains("--tls-cert", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Tls:CertificateFile", "/etc/cert.pem", "go together")]
    [InlineData("Tls:HandshakeTimeout", "00:00:00", "Tls:HandshakeTimeout")]
    [InlineData("Tls:ReloadCheckInterval", "00:00:00.1", "Tls:ReloadCheckInterval")]
    public void Bad_tls_settings_stop_the_start_with_the_setting_named(string key, string value, string expected)
    {
        var settings = new ParleyServerSettings
        {
            Listen = ["127.0.0.1:0"],
            UseEnvironment = false,
            Overrides = new Dictionary<string, string?> { ["DataDirectory"] = _directory, [key] = value },
        };

        var refused = Assert.Throws<OptionsValidationException>(() => ParleyServerHost.Build(settings));
        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Files_with_tls_off_are_a_contradiction()
    {
        List<string> errors = ServerTlsOptionsValidator.Check(new ServerTlsOptions { Enabled = false, CertificateFile = "a.pem", KeyFile = "b.pem" });

        Assert.Contains(errors, e => e.Contains("TLS is off", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        string root = Path.GetDirectoryName(_directory)!;
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>What a server start does: make sure of the files, then load them; returns the fingerprint.</summary>
    private string Load(TimeProvider time)
    {
        (string certificate, string key) = SelfSignedCertificate.Ensure(_directory, time, NullLogger.Instance);
        using ServerCertificate loaded = ServerCertificate.Load(certificate, key, selfSigned: true);
        return loaded.Fingerprint;
    }
}
