using Parley.Protocol.Messages;
using Parley.Server.Storage;

namespace Parley.Server.Tests.Moderation;

/// <summary>Room bans: by address and CIDR prefix, by account, by nickname; timed; listed and lifted.</summary>
public sealed class BanTests
{
    [Fact]
    public async Task A_CIDR_ban_kicks_the_members_it_matches_and_keeps_them_out_while_others_come_and_go()
    {
        await using var server = new InMemoryServer();
        ModerationRoom room = await ModerationRoom.CreateAsync(server);
        TestPeer a = await Guest(server, "a", "203.0.113.5"), b = await Guest(server, "b", "203.0.113.77"), c = await Guest(server, "c", "198.51.100.1");

        await room.Owner.OkAsync(new Ban { Room = "#m", Address = "203.0.113.99/24", Reason = "botnet" });

        foreach (TestPeer banned in new[] { a, b })
        {
            Presence kicked = await banned.ExpectAsync<Presence>(p => p.Kind == PresenceKind.Kicked);
            Assert.Equal(("own", "banned: botnet"), (kicked.By, kicked.Message));
        }

        Presence seen = await c.ExpectAsync<Presence>(p => p.Kind == PresenceKind.Kicked);
        Assert.Contains(seen.Nick, new[] { "a", "b" });
        Assert.Equal(ErrorCode.Banned, await a.RefusedAsync(new Join { Room = "#m" }));
        TestPeer late = server.Connect(address: "203.0.113.200");
        await late.HelloAsync("late");
        Assert.Equal(ErrorCode.Banned, await late.RefusedAsync(new Join { Room = "#M" }));
        TestPeer other = server.Connect(address: "203.0.114.1");
        await other.HelloAsync("other");
        Assert.IsType<Joined>(await other.RequestAsync(new Join { Room = "#m" }));
        Assert.IsType<Sent>(await c.RequestAsync(new Say { Room = "#m", Text = "still in" }));

        BanList list = Assert.IsType<BanList>(await room.Owner.RequestAsync(new ListBans { Room = "#m" }));
        BanEntry entry = Assert.Single(list.Bans);
        Assert.Equal(("address:203.0.113.0/24", "own", "botnet", 0L), (entry.Mask, entry.By, entry.Reason, entry.ExpiresMs));
        Assert.Equal(server.Time.GetUtcNow().ToUnixTimeMilliseconds(), entry.CreatedMs);

        await room.Owner.OkAsync(new Unban { Room = "#m", Mask = "address:203.0.113.0/24" });
        Assert.IsType<Joined>(await a.RequestAsync(new Join { Room = "#m" }));
        Assert.Equal(ErrorCode.InvalidRequest, await room.Owner.RefusedAsync(new Unban { Room = "#m", Mask = "address:203.0.113.0/24" }));
    }

    [Fact]
    public async Task An_IPv6_prefix_matches_IPv6_peers_only()
    {
        await using var server = new InMemoryServer();
        ModerationRoom room = await ModerationRoom.CreateAsync(server);
        await room.Owner.OkAsync(new Ban { Room = "#m", Address = "2001:db8::/32" });

        TestPeer v6 = server.Connect(address: "2001:db8:1::7"), v4 = server.Connect(address: "198.51.100.2"), mapped = server.Connect(address: "::ffff:198.51.100.3");
        await v6.HelloAsync("v6");
        await v4.HelloAsync("v4");
        await mapped.HelloAsync("mapped");

        Assert.Equal(ErrorCode.Banned, await v6.RefusedAsync(new Join { Room = "#m" }));
        Assert.IsType<Joined>(await v4.RequestAsync(new Join { Room = "#m" }));
        Assert.IsType<Joined>(await mapped.RequestAsync(new Join { Room = "#m" }));
    }

    [Fact]
    public async Task A_ban_by_nickname_bans_an_account_or_a_guest_address()
    {
        await using var server = new InMemoryServer();
        ModerationRoom room = await ModerationRoom.CreateAsync(server);
        TestPeer mallory = await room.AddAsync("mallory", "member", guest: false);
        TestPeer guest = await room.AddAsync("drifter", "member");

        await room.Owner.OkAsync(new Ban { Room = "#m", Nick = "mallory" });
        await room.Owner.OkAsync(new Ban { Room = "#m", Nick = "DRIFTER" });

        BanList list = Assert.IsType<BanList>(await room.Owner.RequestAsync(new ListBans { Room = "#m" }));
        Assert.Equal(["account:mallory", "address:192.0.2.12/32"], list.Bans.Select(b => b.Mask));
        await mallory.ExpectAsync<Presence>(p => p.Kind == PresenceKind.Kicked && p.Nick == "mallory");

        // The account is banned wherever it connects from.
        TestPeer again = server.Connect(account: "mallory", address: "198.51.100.50");
        await again.HelloAsync("mallory2");
        Assert.Equal(ErrorCode.Banned, await again.RefusedAsync(new Join { Room = "#m" }));
        Assert.Equal(ErrorCode.Banned, await guest.RefusedAsync(new Join { Room = "#m" }));
    }

    [Fact]
    public async Task A_timed_ban_ends_by_itself()
    {
        // Nobody is timed out while the clock jumps ahead.
        await using var server = new InMemoryServer(o => (o.PingInterval, o.IdleTimeout) = (TimeSpan.FromHours(1), TimeSpan.FromHours(2)));
        ModerationRoom room = await ModerationRoom.CreateAsync(server);
        TestPeer bob = await room.AddAsync("bob", "member");

        await room.Owner.OkAsync(new Ban { Room = "#m", Nick = "bob", DurationMs = (ulong)TimeSpan.FromMinutes(10).TotalMilliseconds });
        Error refused = Assert.IsType<Error>(await bob.RequestAsync(new Join { Room = "#m" }));
        Assert.Equal(ErrorCode.Banned, refused.Code);
        Assert.Contains("until 2026-11-23 12:10:00 UTC", refused.Message, StringComparison.Ordinal);

        server.Time.Advance(TimeSpan.FromMinutes(10));

        Assert.IsType<Joined>(await bob.RequestAsync(new Join { Room = "#m" }));
        BanList list = Assert.IsType<BanList>(await room.Owner.RequestAsync(new ListBans { Room = "#m" }));
        Assert.Empty(list.Bans);
    }

    [Fact]
    public async Task Operators_may_not_ban_the_owner_or_each_other_but_may_ban_members()
    {
        await using var server = new InMemoryServer();
        ModerationRoom room = await ModerationRoom.CreateAsync(server);
        TestPeer op = await room.AddAsync("op", "operator");
        await room.AddAsync("op2", "operator");
        await room.AddAsync("pleb", "member");

        Assert.Equal(ErrorCode.NotAuthorized, await op.RefusedAsync(new Ban { Room = "#m", Account = "own" }));
        Assert.Equal(ErrorCode.NotAuthorized, await op.RefusedAsync(new Ban { Room = "#m", Nick = "op2" }));
        Assert.Equal(ErrorCode.NotAuthorized, await op.RefusedAsync(new Ban { Room = "#m", Address = "192.0.2.1" }));
        await op.OkAsync(new Ban { Room = "#m", Nick = "pleb" });
        Assert.Equal(ErrorCode.NotAuthorized, await op.RefusedAsync(new Ban { Room = "", Account = "pleb" }));
        Assert.Equal(ErrorCode.NotAuthorized, await op.RefusedAsync(new ListBans { Room = "" }));
    }

    [Theory]
    [InlineData("", "", "", "names exactly one")]
    [InlineData("pleb", "pleb", "", "names exactly one")]
    [InlineData("", "", "not-an-ip", "not an IP address")]
    [InlineData("", "", "10.0.0.0/33", "not an IP address")]
    [InlineData("", "", "10.0.0.0/-1", "not an IP address")]
    [InlineData("", "bad name!", "", "not an account name")]
    [InlineData("", "", "192.0.2.1", "matches you")]
    public async Task A_malformed_ban_is_refused_and_changes_nothing(string nick, string account, string address, string why)
    {
        await using var server = new InMemoryServer();
        ModerationRoom room = await ModerationRoom.CreateAsync(server);
        await room.AddAsync("pleb", "member");

        Error error = Assert.IsType<Error>(await room.Owner.RequestAsync(new Ban { Room = "#m", Nick = nick, Account = account, Address = address }));

        Assert.Equal(ErrorCode.InvalidRequest, error.Code);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
        Assert.Empty(Assert.IsType<BanList>(await room.Owner.RequestAsync(new ListBans { Room = "#m" })).Bans);
    }

    [Fact]
    public async Task Hostile_numbers_and_text_are_refused_or_neutralised()
    {
        await using var server = new InMemoryServer();
        ModerationRoom room = await ModerationRoom.CreateAsync(server);
        TestPeer pleb = await room.AddAsync("pleb", "member");

        Assert.Equal(ErrorCode.InvalidRequest, await room.Owner.RefusedAsync(new Ban { Room = "#m", Nick = "pleb", DurationMs = ulong.MaxValue }));
        Assert.Equal(ErrorCode.InvalidRequest, await room.Owner.RefusedAsync(new Mute { Room = "#m", Nick = "pleb", DurationMs = (ulong)long.MaxValue }));
        Assert.Equal(ErrorCode.InvalidRequest, await room.Owner.RefusedAsync(new Unban { Room = "#m", Mask = "nick:pleb" }));

        await room.Owner.OkAsync(new Kick { Room = "#m", Nick = "pleb", Reason = "\u001b[2J" + new string('x', 2000) });
        Presence kicked = await pleb.ExpectAsync<Presence>(p => p.Kind == PresenceKind.Kicked);
        Assert.StartsWith("\u241b[2J", kicked.Message, StringComparison.Ordinal);
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(kicked.Message) <= 512);
    }

    [Fact]
    public async Task When_the_store_refuses_a_ban_nothing_changes()
    {
        var moderation = new FailingModerationStore();
        await using var server = new InMemoryServer(moderation: moderation);
        ModerationRoom room = await ModerationRoom.CreateAsync(server);
        TestPeer pleb = await room.AddAsync("pleb", "member");

        moderation.Fail = true;
        Assert.Equal(ErrorCode.StoreUnavailable, await room.Owner.RefusedAsync(new Ban { Room = "#m", Nick = "pleb" }));
        Assert.Equal(ErrorCode.StoreUnavailable, await room.Owner.RefusedAsync(new SetRoomMode { Room = "#m", InviteOnly = true }));
        moderation.Fail = false;

        Assert.IsType<Sent>(await pleb.RequestAsync(new Say { Room = "#m", Text = "not banned, not kicked" }));
        await pleb.OkAsync(new Part { Room = "#m" });
        Assert.IsType<Joined>(await pleb.RequestAsync(new Join { Room = "#m" }));
    }

    private static async Task<TestPeer> Guest(InMemoryServer server, string nick, string address)
    {
        TestPeer peer = server.Connect(address: address);
        await peer.HelloAsync(nick);
        await peer.JoinAsync(ModerationRoom.Name);
        return peer;
    }

    /// <summary>An in-memory moderation store whose writes fail, as a full disk's would, while <see cref="Fail"/> is set.</summary>
    private sealed class FailingModerationStore : IModerationStore
    {
        private readonly InMemoryModerationStore _inner = new();

        public bool Fail { get; set; }

        public RoomModeration LoadRoomModeration(string roomKey, long nowMs) => _inner.LoadRoomModeration(roomKey, nowMs);

        public void SaveRoomSettings(string roomKey, RoomSettings settings) => Write(() => _inner.SaveRoomSettings(roomKey, settings));

        public void SetOperator(string roomKey, string account, bool isOperator) => Write(() => _inner.SetOperator(roomKey, account, isOperator));

        public void SaveBan(Restriction ban) => Write(() => _inner.SaveBan(ban));

        public bool DeleteBan(string scope, string mask) => Write(() => _inner.DeleteBan(scope, mask));

        public IReadOnlyList<Restriction> LoadBans(string scope, long nowMs) => _inner.LoadBans(scope, nowMs);

        public void SaveMute(Restriction mute) => Write(() => _inner.SaveMute(mute));

        public bool DeleteMute(string roomKey, string mask) => Write(() => _inner.DeleteMute(roomKey, mask));

        private void Write(Action write) => Write(() =>
        {
            write();
            return true;
        });

        private T Write<T>(Func<T> write) => Fail ? throw new StoreUnavailableException("the server's disk is full") : write();
    }
}
