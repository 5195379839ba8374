using Parley.Client;
using Parley.Tui.Config;

namespace Parley.Tui.Tests;

public sealed class ConfigTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "parley-tui-config-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void The_file_lives_under_xdg_config_home_or_else_under_home_dot_config()
    {
        Assert.Equal("/x/parley/config.json", ConfigStore.Default(v => v == "XDG_CONFIG_HOME" ? "/x" : null, "/home/u").Path);
        Assert.Equal("/home/u/.config/parley/config.json", ConfigStore.Default(_ => null, "/home/u").Path);
        // A relative XDG_CONFIG_HOME is invalid by the spec and ignored.
        Assert.Equal("/home/u/.config/parley/config.json", ConfigStore.Default(_ => "relative", "/home/u").Path);
    }

    [Fact]
    public void A_missing_file_means_the_defaults()
    {
        ChatConfig config = new ConfigStore(Path.Combine(_directory, "none.json")).Load();
        Assert.Null(config.Nick);
        Assert.True(config.Bell);
        Assert.Equal("HH:mm", config.TimestampFormat);
        Assert.Equal(50, config.Backlog);
    }

    [Fact]
    public void Saving_then_loading_gives_the_same_settings()
    {
        var store = new ConfigStore(Path.Combine(_directory, "parley", "config.json"));
        store.Save(new ChatConfig { Nick = "zoë", Bell = false, TimestampFormat = "HH:mm:ss", Backlog = 0, Servers = [new SavedServer { Name = "home", Address = "chat.example:7000" }] });
        ChatConfig loaded = store.Load();
        Assert.Equal("zoë", loaded.Nick);
        Assert.False(loaded.Bell);
        Assert.Equal("HH:mm:ss", loaded.TimestampFormat);
        Assert.Equal(0, loaded.Backlog);
        Assert.Equal("chat.example:7000", Assert.Single(loaded.Servers).Address);
    }

    [Fact]
    public void Comments_and_trailing_commas_are_accepted_and_broken_json_is_reported()
    {
        Directory.CreateDirectory(_directory);
        string path = Path.Combine(_directory, "config.json");
        File.WriteAllText(path, "{ // mine\n \"nick\": \"al\", \"bell\": false, }");
        Assert.Equal("al", new ConfigStore(path).Load().Nick);
        File.WriteAllText(path, "{ nick: ");
        Assert.Throws<InvalidDataException>(() => new ConfigStore(path).Load());
    }

    [Fact]
    public void A_saved_server_is_used_by_name_with_its_nickname()
    {
        var config = new ChatConfig { Nick = "al", Servers = [new SavedServer { Name = "home", Address = "chat.example:7000", Nick = "alice" }] };
        Assert.Equal((new ParleyEndpoint("chat.example", 7000), "alice"), config.Resolve(ParleyEndpoint.Parse("home")));
        Assert.Equal((new ParleyEndpoint("other", 7275), "al"), config.Resolve(ParleyEndpoint.Parse("other")));
        Assert.Equal((new ParleyEndpoint("home", 9000), "al"), config.Resolve(ParleyEndpoint.Parse("home:9000")));
    }
}
