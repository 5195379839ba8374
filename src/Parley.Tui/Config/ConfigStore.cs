using System.Text.Json;

namespace Parley.Tui.Config;

/// <summary>Reads and writes <see cref="ChatConfig"/> at its XDG location.</summary>
public sealed class ConfigStore
{
    public ConfigStore(string path) => Path = path;

    public string Path { get; }

    /// <summary>The store at <c>$XDG_CONFIG_HOME/parley/config.json</c>, or <c>~/.config/parley/config.json</c>.</summary>
    public static ConfigStore Default() =>
        Default(Environment.GetEnvironmentVariable, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    /// <summary>As <see cref="Default()"/>, with the environment and home directory given (for tests).</summary>
    public static ConfigStore Default(Func<string, string?> environment, string home)
    {
        string? xdg = environment("XDG_CONFIG_HOME");
        // The XDG spec: a relative value is invalid and must be ignored.
        string root = !string.IsNullOrEmpty(xdg) && System.IO.Path.IsPathRooted(xdg) ? xdg : System.IO.Path.Combine(home, ".config");
        return new ConfigStore(System.IO.Path.Combine(root, "parley", "config.json"));
    }

    /// <summary>The configuration; defaults when the file does not exist. Throws <see cref="InvalidDataException"/> when it cannot be read.</summary>
    public ChatConfig Load()
    {
        if (!File.Exists(Path))
        {
            return new ChatConfig();
        }

        try
        {
            using FileStream stream = File.OpenRead(Path);
            return JsonSerializer.Deserialize(stream, ConfigJsonContext.Default.ChatConfig) ?? new ChatConfig();
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{Path} is not valid JSON: {ex.Message}", ex);
        }
        catch (IOException ex)
        {
            throw new InvalidDataException($"{Path} could not be read: {ex.Message}", ex);
        }
    }

    /// <summary>Writes the configuration atomically (a temporary file renamed over the old one).</summary>
    public void Save(ChatConfig config)
    {
        string directory = System.IO.Path.GetDirectoryName(Path)!;
        Directory.CreateDirectory(directory);
        string temporary = Path + ".tmp";
        using (FileStream stream = File.Create(temporary))
        {
            JsonSerializer.Serialize(stream, config, ConfigJsonContext.Default.ChatConfig);
        }

        File.Move(temporary, Path, overwrite: true);
    }
}
