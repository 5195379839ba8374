using Parley.Protocol;

namespace Parley.Client.Tests;

/// <summary>The pin store as a file people read and edit: comments and unknown lines survive, pins are replaced, not duplicated.</summary>
public sealed class KnownServersTests : IDisposable
{
    private const string A = "SHA256:S2Cshmy2PPuQmAMyZTAJf2kjtm+QUC8rIEeCu+dIeW0";
    private const string B = "SHA256:hEYfgV6TkNBeJfnTsWOkWo40snCTNgABqlVgKbwBNvY";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "parley-tests", Guid.NewGuid().ToString("N"));

    private string File => Path.Combine(_directory, "parley", "known_servers");

    [Fact]
    public void Pins_are_written_with_owner_only_access_and_found_by_host_and_port()
    {
        var store = new KnownServers(File);

        store.Add("chat.example.org:7275", A);
        store.Add("[::1]:7000", B);

        Assert.Equal(A, store.Find("chat.example.org:7275")?.Fingerprint);
        Assert.Equal(B, store.Find("[::1]:7000")?.Fingerprint);
        Assert.Null(store.Find("chat.example.org:7276"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, System.IO.File.GetUnixFileMode(File));
        }
    }

    [Fact]
    public void Comments_and_lines_it_cannot_read_are_kept_and_a_new_pin_replaces_the_old()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(File)!);
        System.IO.File.WriteAllText(File, $"# mine\nchat.example.org:7275 {A}\nsomething else entirely\n");
        var store = new KnownServers(File);

        store.Add("chat.example.org:7275", B);

        Assert.Equal(["# mine", "something else entirely", $"chat.example.org:7275 {B}"], System.IO.File.ReadAllLines(File));
        Assert.Equal(3, store.Find("chat.example.org:7275")?.Line);
    }

    [Fact]
    public void Forget_removes_only_that_server()
    {
        var store = new KnownServers(File);
        store.Add("a.example:7275", A);
        store.Add("b.example:7275", B);

        Assert.Equal(1, store.Forget("a.example:7275"));
        Assert.Equal(0, store.Forget("a.example:7275"));

        Assert.Equal("b.example:7275", Assert.Single(store.List()).Server);
    }

    [Fact]
    public void Hosts_are_keyed_in_lower_case_with_their_port()
    {
        Assert.Equal("chat.example.org:7275", KnownServers.KeyFor(ParleyEndpoint.Parse("Chat.Example.ORG")));
        Assert.Equal("[::1]:9000", KnownServers.KeyFor(ParleyEndpoint.Parse("[::1]:9000")));
    }

    [Theory]
    [InlineData("SHA256:S2Cshmy2PPuQmAMyZTAJf2kjtm+QUC8rIEeCu+dIeW0", true)]
    [InlineData("sha256:S2Cshmy2PPuQmAMyZTAJf2kjtm+QUC8rIEeCu+dIeW0=", true)]
    [InlineData("SHA256:S2Cshmy2PPuQmAMyZTAJf2kjtm+QUC8rIEeCu+dIeW", false)]
    [InlineData("S2Cshmy2PPuQmAMyZTAJf2kjtm+QUC8rIEeCu+dIeW0", false)]
    [InlineData("SHA256:S2Cshmy2PPuQmAMyZTAJf2kjtm+QUC8rIEeCu+dIe!0", false)]
    public void Fingerprints_are_read_as_users_paste_them(string text, bool valid)
    {
        Assert.Equal(valid, TlsFingerprint.TryParse(text, out string? canonical));
        if (valid)
        {
            Assert.Equal(A, canonical);
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
