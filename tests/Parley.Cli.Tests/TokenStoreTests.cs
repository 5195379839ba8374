using Parley.Cli.Accounts;
using Parley.Client;

namespace Parley.Cli.Tests;

public sealed class TokenStoreTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "parley-cli-tests", Guid.NewGuid().ToString("N"), "tokens");
    private static readonly ParleyEndpoint Server = new("chat.example", 7275);

    public void Dispose()
    {
        string root = Path.GetDirectoryName(_directory)!;
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void A_token_is_kept_per_server_and_account_in_a_private_file_and_forgotten()
    {
        var store = new TokenStore(_directory);
        store.Save(Server, "null", null); // nothing saved yet: forgetting is a no-op

        store.Save(Server, "Alice", "token-1");

        Assert.Equal("token-1", store.Load(Server, "alice"));
        Assert.Null(store.Load(Server, "bob"));
        Assert.Null(store.Load(new ParleyEndpoint("chat.example", 7000), "alice"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.PathFor(Server, "alice")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_directory));
        }

        store.Save(Server, "alice", "token-2");
        Assert.Equal("token-2", store.Load(Server, "ALICE"));
        store.Save(Server, "alice", null);
        Assert.Null(store.Load(Server, "alice"));
        Assert.Empty(Directory.GetFiles(_directory));
    }

    [Fact]
    public void An_unreadable_file_is_no_token()
    {
        var store = new TokenStore(_directory);
        Directory.CreateDirectory(_directory);
        File.WriteAllText(store.PathFor(Server, "alice"), "{ not json");

        Assert.Null(store.Load(Server, "alice"));
    }
}
