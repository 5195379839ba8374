using Parley.Protocol.Messages;

namespace Parley.Server.Tests.Moderation;

/// <summary>A room <c>#m</c> owned by the account <c>own</c>, and members added in the role a test needs.</summary>
internal sealed class ModerationRoom
{
    private readonly InMemoryServer _server;
    private int _addresses;

    private ModerationRoom(InMemoryServer server, TestPeer owner)
    {
        _server = server;
        Owner = owner;
    }

    public const string Name = "#m";

    /// <summary>The owner's session (nickname and account <c>own</c>).</summary>
    public TestPeer Owner { get; }

    public static async Task<ModerationRoom> CreateAsync(InMemoryServer server)
    {
        TestPeer owner = server.Connect(account: "own", address: "192.0.2.1");
        await owner.HelloAsync("own");
        await owner.JoinAsync(Name);
        return new ModerationRoom(server, owner);
    }

    /// <summary>
    /// A new session in the room as <paramref name="role"/>: <c>member</c> (a guest, unless <paramref name="guest"/>
    /// is false), <c>operator</c> (an account the owner made one), <c>admin</c> (a server administrator's account),
    /// or <c>owner</c> (the owner's own session). Each has its own address in 192.0.2.0/24.
    /// </summary>
    public async Task<TestPeer> AddAsync(string nick, string role, bool guest = true)
    {
        if (role == "owner")
        {
            return Owner;
        }

        string address = $"192.0.2.{10 + Interlocked.Increment(ref _addresses)}";
        string? account = role == "member" && guest ? null : nick;
        TestPeer peer = _server.Connect(account: account, admin: role == "admin", address: address);
        await peer.HelloAsync(nick);
        await peer.JoinAsync(Name);
        if (role == "operator")
        {
            await Owner.OkAsync(new SetRole { Room = Name, Nick = nick, Role = MemberRole.Operator });
        }

        return peer;
    }
}
