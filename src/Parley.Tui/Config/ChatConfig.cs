using System.Text.Json.Serialization;
using Parley.Client;
using Parley.Protocol;

namespace Parley.Tui.Config;

/// <summary>
/// <c>$XDG_CONFIG_HOME/parley/config.json</c> (<c>~/.config/parley/config.json</c> when the variable is unset).
/// Every key is optional:
/// <code>
/// {
///   "nick": "alice",                 // asked for on the first run when missing
///   "bell": true,                    // ring on mentions and direct messages
///   "timestampFormat": "HH:mm",      // .NET date format, local time
///   "showMembers": true,             // member list at start (F8 toggles)
///   "backlog": 50,                   // history shown on joining a room (0: none)
///   "servers": [ { "name": "home", "address": "chat.example.org:7275", "nick": "al" } ]
/// }
/// </code>
/// A saved server is used by name: <c>parley chat home</c>.
/// </summary>
public sealed class ChatConfig
{
    [JsonPropertyName("nick")]
    public string? Nick { get; set; }

    [JsonPropertyName("bell")]
    public bool Bell { get; set; } = true;

    [JsonPropertyName("timestampFormat")]
    public string TimestampFormat { get; set; } = "HH:mm";

    [JsonPropertyName("showMembers")]
    public bool ShowMembers { get; set; } = true;

    [JsonPropertyName("backlog")]
    public int Backlog { get; set; } = 50;

    [JsonPropertyName("servers")]
    public List<SavedServer> Servers { get; set; } = [];

    /// <summary>
    /// What <c>parley chat NAME</c> means: the saved server called NAME (when no port was given) with its
    /// nickname, or the address as given. Returns the nickname to use, <c>null</c> when none is configured.
    /// </summary>
    public (ParleyEndpoint Endpoint, string? Nick) Resolve(ParleyEndpoint given)
    {
        SavedServer? saved = Servers.FirstOrDefault(s => s.Name.Length > 0 && string.Equals(s.Name, given.Host, StringComparison.OrdinalIgnoreCase));
        if (saved is not null && given.Port == ProtocolConstants.DefaultPort
            && ParleyEndpoint.TryParse(saved.Address, ProtocolConstants.DefaultPort, out ParleyEndpoint endpoint, out _))
        {
            return (endpoint, saved.Nick is { Length: > 0 } n ? n : Nick);
        }

        return (given, Nick is { Length: > 0 } nick ? nick : null);
    }
}

/// <summary>A server the user connects to by name.</summary>
public sealed class SavedServer
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    /// <summary><c>host</c>, <c>host:port</c> or <c>[IPv6]:port</c>.</summary>
    [JsonPropertyName("address")]
    public string Address { get; set; } = string.Empty;

    /// <summary>The nickname for this server; the global one when unset.</summary>
    [JsonPropertyName("nick")]
    public string? Nick { get; set; }
}

[JsonSourceGenerationOptions(WriteIndented = true, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(ChatConfig))]
internal sealed partial class ConfigJsonContext : JsonSerializerContext;
