namespace Parley.Bench;

/// <summary>A short random tag for a run's nicknames and room, so runs against one server never collide.</summary>
internal static class RunId
{
    public static string New() => Convert.ToHexStringLower(BitConverter.GetBytes(Random.Shared.Next()))[..6];
}
