namespace Parley.Tui.Model;

/// <summary>What a buffer holds.</summary>
public enum BufferKind
{
    /// <summary>Buffer 1: connection news, replies to commands that belong to no room.</summary>
    Server,

    /// <summary>A room the user is in (or was in, when rejoining failed).</summary>
    Room,

    /// <summary>A direct conversation with one nickname.</summary>
    Direct,
}
