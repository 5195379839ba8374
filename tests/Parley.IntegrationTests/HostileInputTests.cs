using System.Buffers.Binary;
using System.Diagnostics;
using Google.Protobuf;
using Parley.Protocol;
using Parley.Protocol.Messages;
using Parley.TestUtilities;
using Xunit.Abstractions;

namespace Parley.IntegrationTests;

/// <summary>
/// Issue 4's hostile-input suite, the parts without TLS or logins: a real server on real sockets fed
/// what an attacker sends. Each test checks the error or the close, that a bystander was not affected,
/// and that the server's open connections and the process's managed heap are back where they were.
/// </summary>
public sealed class HostileInputTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(0xFFFF_FFFFu)] // -1 read as a signed 32-bit length
    [InlineData(0x8000_0000u)] // int.MinValue: the most negative length
    [InlineData(0x7FFF_FFF0u)] // just under 2 GiB
    public async Task A_negative_or_two_gigabyte_length_gets_frame_too_large_and_a_close_and_leaves_nothing_behind(uint length)
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        await using WireClient bystander = await WireClient.ConnectReadyAsync(server.EndPoint, "bystander", "#a");
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);

        await using WireClient hostile = await WireClient.ConnectAsync(server.EndPoint);
        byte[] bytes = new byte[FrameHeader.Size + 4096];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, length);
        bytes[4] = (byte)FrameType.Hello;
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(8), 1);
        await hostile.SendRawAsync(bytes);
        List<IMessage> frames = await hostile.ReadToEndAsync();

        Assert.Equal(ErrorCode.FrameTooLarge, Assert.IsType<Error>(Assert.Single(frames)).Code);
        await AssertUnaffectedAsync(bystander, "#a");
        await AssertBackToBaselineAsync(server, 1, heapBefore);
    }

    public static TheoryData<string, byte[], ErrorCode> Garbage => new()
    {
        { "an unknown frame type", Header(0, 0x7E, 5), ErrorCode.UnknownFrameType },
        { "non-zero flags", [.. Header(0, (byte)FrameType.Ping, 5, flags: 0x80)], ErrorCode.MalformedFrame },
        { "a payload that is not protobuf", [.. Header(6, (byte)FrameType.Say, 5), 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], ErrorCode.MalformedFrame },
        { "a request with request id 0", [.. Header(0, (byte)FrameType.ListRooms, 0)], ErrorCode.MalformedFrame },
        { "a server's frame type", [.. Header(0, (byte)FrameType.Welcome, 5)], ErrorCode.MalformedFrame },
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public async Task Garbage_after_a_valid_prefix_gets_an_error_frame_and_a_close_and_the_room_sees_a_protocol_error(string what, byte[] garbage, ErrorCode expected)
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        await using WireClient bystander = await WireClient.ConnectReadyAsync(server.EndPoint, "bystander", "#a");
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        await using WireClient hostile = await WireClient.ConnectReadyAsync(server.EndPoint, "hostile", "#a");

        // Random bytes follow the bad frame: the server must stop at the first thing it can't accept.
        byte[] noise = new byte[1000];
        new Random(42).NextBytes(noise);
        await hostile.SendRawAsync([.. garbage, .. noise]);
        List<IMessage> frames = await hostile.ReadToEndAsync();

        Error error = Assert.IsType<Error>(frames[^1]);
        Assert.True(expected == error.Code, $"{what}: expected {expected}, got {error.Code} ({error.Message})");
        Presence quit = await bystander.ExpectAsync<Presence>(p => p.Kind == PresenceKind.Quit);
        Assert.Equal(("hostile", QuitReason.ProtocolError), (quit.Nick, quit.Reason));
        await AssertUnaffectedAsync(bystander, "#a");
        await AssertBackToBaselineAsync(server, 1, heapBefore);
    }

    [Fact]
    public async Task Invalid_utf8_in_a_message_closes_the_sender_and_nothing_of_it_reaches_the_room()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        await using WireClient bystander = await WireClient.ConnectReadyAsync(server.EndPoint, "bystander", "#a");
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        await using WireClient hostile = await WireClient.ConnectReadyAsync(server.EndPoint, "hostile", "#a");

        // Say { room = "#a", text = C3 28 }: a lead byte followed by something that does not continue it.
        byte[] payload = [0x0A, 0x02, (byte)'#', (byte)'a', 0x12, 0x02, 0xC3, 0x28];
        await hostile.SendRawAsync([.. Header(payload.Length, (byte)FrameType.Say, 9), .. payload]);
        List<IMessage> frames = await hostile.ReadToEndAsync();

        Error error = Assert.IsType<Error>(frames[^1]);
        Assert.Equal(ErrorCode.InvalidUtf8, error.Code);
        Assert.DoesNotContain(frames, f => f is Sent or Delivered);
        Presence quit = await bystander.ExpectAsync<Presence>(p => p.Kind == PresenceKind.Quit);
        Assert.Equal(QuitReason.ProtocolError, quit.Reason);
        Delivered next = await AssertUnaffectedAsync(bystander, "#a");
        Assert.Equal(1ul, next.Seq); // the hostile text was never stored
        await AssertBackToBaselineAsync(server, 1, heapBefore);
    }

    [Theory]
    [InlineData("ali\u0007ce")]        // BEL
    [InlineData("ali\u001B[2Jce")]     // ESC, a screen clear
    [InlineData("\u202Eecila")]        // RIGHT-TO-LEFT OVERRIDE
    [InlineData("ali\u2067ce")]        // RIGHT-TO-LEFT ISOLATE
    [InlineData("ali\u200Bce")]        // ZERO WIDTH SPACE
    [InlineData("ali\u200Dce")]        // ZERO WIDTH JOINER
    [InlineData("ali\u3164ce")]        // HANGUL FILLER, an invisible letter
    [InlineData("alice\uFE0F")]        // VARIATION SELECTOR-16, an invisible mark
    public async Task A_name_with_control_bidi_or_invisible_characters_is_refused_and_the_client_may_try_again(string name)
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        await using WireClient bystander = await WireClient.ConnectReadyAsync(server.EndPoint, "bystander", "#a");
        await using WireClient hostile = await WireClient.ConnectAsync(server.EndPoint);

        await hostile.SendAsync(new Hello { ProtocolVersion = ProtocolConstants.Version, Nick = name });
        Error nick = await hostile.ExpectAsync<Error>();
        await hostile.SendAsync(new Hello { ProtocolVersion = ProtocolConstants.Version, Nick = "hostile" });
        await hostile.ExpectAsync<Welcome>();
        await hostile.SendAsync(new Join { Room = "#" + name });
        Error room = await hostile.ExpectAsync<Error>();
        await hostile.SendAsync(new Join { Room = "#a" });
        Joined joined = await hostile.ExpectAsync<Joined>();

        Assert.Equal((ErrorCode.InvalidName, ErrorCode.InvalidName), (nick.Code, room.Code));
        Assert.Equal(["bystander", "hostile"], joined.Members.Order());
        // The only newcomer the room was told about.
        Assert.Equal("hostile", (await bystander.ExpectAsync<Presence>(p => p.Kind == PresenceKind.Joined && p.Nick != "bystander")).Nick);
        Assert.Equal(1, server.Server.Context.Hub.RoomCount);
        await AssertUnaffectedAsync(bystander, "#a");
    }

    [Fact]
    public async Task Lookalikes_of_a_nickname_and_a_room_in_use_are_refused()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        await using WireClient alice = await WireClient.ConnectReadyAsync(server.EndPoint, "alice", "#general");
        await using WireClient mallory = await WireClient.ConnectAsync(server.EndPoint);

        var refusals = new List<Error>();
        // Cyrillic а; a capital I for the l; Cyrillic а and і.
        foreach (string lookalike in new[] { "\u0430lice", "AIice", "\u0430l\u0456ce" })
        {
            await mallory.SendAsync(new Hello { ProtocolVersion = ProtocolConstants.Version, Nick = lookalike });
            refusals.Add(await mallory.ExpectAsync<Error>());
        }

        await mallory.SendAsync(new Hello { ProtocolVersion = ProtocolConstants.Version, Nick = "mallory" });
        await mallory.ExpectAsync<Welcome>();
        await mallory.SendAsync(new Join { Room = "#g\u0435neral" }); // Cyrillic е
        Error room = await mallory.ExpectAsync<Error>();
        await mallory.SendAsync(new Join { Room = "#GENERAL" });
        Joined joined = await mallory.ExpectAsync<Joined>();

        Assert.All(refusals, e => Assert.Equal(ErrorCode.NickInUse, e.Code));
        Assert.All(refusals, e => Assert.Contains("too much like alice", e.Message, StringComparison.Ordinal));
        Assert.Equal(ErrorCode.InvalidName, room.Code);
        Assert.Equal(("#general", 2u), (joined.Room, joined.MemberCount));
        Assert.Equal(1, server.Server.Context.Hub.RoomCount);
    }

    [Fact]
    public async Task Two_hundred_slowloris_connections_are_closed_at_their_deadline_while_a_real_client_connects_and_chats()
    {
        const int attackers = 200;
        await using InProcessServer server = await InProcessServer.StartAsync(new()
        {
            ["HandshakeTimeout"] = "00:00:05",
            // From many addresses in real life; from one here, so the per-address limits are lifted.
            ["MaxConnectionsPerAddress"] = "1000",
            ["RateLimits:ConnectionBurst"] = "0",
        });
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var clock = Stopwatch.StartNew();
        WireClient[] slow = await Task.WhenAll(Enumerable.Range(0, attackers).Select(_ => WireClient.ConnectAsync(server.EndPoint)));
        Task<List<IMessage>>[] endings = [.. slow.Select(TrickleHelloAsync)];
        await Poll.UntilAsync(() => server.Server.LiveConnections == attackers, "every slowloris connection is admitted");

        long start = clock.ElapsedMilliseconds;
        await using WireClient alice = await WireClient.ConnectReadyAsync(server.EndPoint, "alice", "#a");
        Delivered said = await AssertUnaffectedAsync(alice, "#a");
        long chatted = clock.ElapsedMilliseconds - start;
        int openMeanwhile = server.Server.LiveConnections;

        List<IMessage>[] ended = await Task.WhenAll(endings);
        long closedAfter = clock.ElapsedMilliseconds;
        output.WriteLine($"the real client connected, joined and chatted in {chatted} ms with {openMeanwhile - 1} slowloris connections open; " +
            $"all {attackers} were closed {closedAfter} ms after they started (handshake timeout 5 s, checked every 1 s)");

        Assert.Equal("hello", said.Text);
        // It did not wait for them: they were all still open when it was done.
        Assert.Equal(attackers + 1, openMeanwhile);
        Assert.All(ended, frames => Assert.Equal(ErrorCode.HandshakeTimeout, Assert.IsType<Error>(Assert.Single(frames)).Code));
        await AssertBackToBaselineAsync(server, 1, heapBefore);
        foreach (WireClient c in slow)
        {
            await c.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_message_flood_from_one_client_is_refused_then_disconnected_and_the_others_lose_nothing()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        WireClient[] others = await Task.WhenAll(new[] { "ann", "ben", "cat" }.Select(n => WireClient.ConnectReadyAsync(server.EndPoint, n, "#a")));
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        await using WireClient flooder = await WireClient.ConnectReadyAsync(server.EndPoint, "flooder", "#a");

        for (int i = 0; i < 200; i++)
        {
            try
            {
                await flooder.SendAsync(new Say { Room = "#a", Text = $"flood {i}" });
            }
            catch (IOException)
            {
                // The server has already cut the flooder off (a reset answers the writes after its close): that is
                // what is under test, and what it said before is read below.
                break;
            }
        }

        for (int i = 0; i < others.Length; i++)
        {
            await others[i].SendAsync(new Say { Room = "#a", Text = $"{i}: still chatting" });
        }

        List<IMessage> flooderFrames = await flooder.ReadToEndAsync();
        List<string>[] seen = await Task.WhenAll(others.Select(ReadUntilQuietAsync));
        // The flood's accepted lines can still be in the group commit when the flooder's quit arrives (the quit does
        // not wait for a commit). A line said after the quit is committed after them, so reading up to it reads them all.
        const string Marker = "after the quit";
        await others[0].SendAsync(new Say { Room = "#a", Text = Marker });
        for (int i = 0; i < others.Length; i++)
        {
            seen[i].AddRange(await TextsBeforeAsync(others[i], Marker));
        }

        List<Error> refusals = [.. flooderFrames.OfType<Error>()];
        Assert.True(refusals.Count >= 2, "the flood was refused");
        Assert.All(refusals, e => Assert.Equal(ErrorCode.RateLimited, e.Code));
        Assert.All(refusals[..^1], e => Assert.InRange(e.RetryAfterMs, 1u, 2000u));
        Assert.Contains("flooding", refusals[^1].Message, StringComparison.Ordinal);
        // Everyone saw the same messages in the same order: all of their own, and the flood's first burst
        // (5, or a little more if a heartbeat credited the flooder mid-flood), nothing beyond.
        Assert.All(seen, s => Assert.Equal(seen[0], s));
        Assert.Equal(["0: still chatting", "1: still chatting", "2: still chatting"], seen[0].Where(t => !t.StartsWith("flood", StringComparison.Ordinal)).Order());
        Assert.InRange(seen[0].Count(t => t.StartsWith("flood", StringComparison.Ordinal)), 5, 8);
        await AssertBackToBaselineAsync(server, others.Length, heapBefore);
        foreach (WireClient c in others)
        {
            await c.DisposeAsync();
        }
    }

    /// <summary>Sends a Hello one byte a second, until the server closes the connection; returns what it sent back.</summary>
    private static async Task<List<IMessage>> TrickleHelloAsync(WireClient client)
    {
        byte[] hello = FrameWriter.Encode(FrameType.Hello, 1, new Hello { ProtocolVersion = ProtocolConstants.Version, Nick = "slowloris" });
        using var done = new CancellationTokenSource();
        Task<List<IMessage>> reading = client.ReadToEndAsync();
        Task trickling = Task.Run(async () =>
        {
            try
            {
                foreach (byte b in hello)
                {
                    await client.SendRawAsync([b]);
                    await Task.Delay(TimeSpan.FromSeconds(1), done.Token); // the attack's own pace, not a wait for a condition
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
            {
                // The server has closed the connection.
            }
        });
        List<IMessage> frames = await reading;
        await done.CancelAsync();
        await trickling;
        return frames;
    }

    /// <summary>The client can still chat: it says "hello" in <paramref name="room"/> and gets it back.</summary>
    private static async Task<Delivered> AssertUnaffectedAsync(WireClient client, string room)
    {
        await client.SendAsync(new Ping { Nonce = 42 });
        Assert.Equal(42ul, (await client.ExpectAsync<Pong>()).Nonce);
        await client.SendAsync(new Say { Room = room, Text = "hello" });
        return await client.ExpectAsync<Delivered>(d => d.Text == "hello");
    }

    /// <summary>Room texts a client receives before <paramref name="marker"/>, which it reads and leaves out.</summary>
    private static async Task<List<string>> TextsBeforeAsync(WireClient client, string marker)
    {
        var texts = new List<string>();
        while (await client.ReadAsync() is var frame && !(frame is Delivered { Text: var text } && text == marker))
        {
            switch (frame)
            {
                case Delivered d:
                    texts.Add(d.Text);
                    break;
                case null:
                    throw new InvalidOperationException("a bystander's connection closed");
            }
        }

        return texts;
    }

    /// <summary>Room texts a client receives until the flooder's quit and the three chatters' lines have come.</summary>
    private static async Task<List<string>> ReadUntilQuietAsync(WireClient client)
    {
        var texts = new List<string>();
        bool quit = false;
        while (!quit || texts.Count(t => t.EndsWith("still chatting", StringComparison.Ordinal)) < 3)
        {
            switch (await client.ReadAsync())
            {
                case Delivered d:
                    texts.Add(d.Text);
                    break;
                case Presence { Kind: PresenceKind.Quit, Nick: "flooder" } p:
                    Assert.Equal(QuitReason.ProtocolError, p.Reason);
                    quit = true;
                    break;
                case null:
                    throw new InvalidOperationException("a bystander's connection closed");
            }
        }

        return texts;
    }

    private static async Task AssertBackToBaselineAsync(InProcessServer server, int connections, long heapBefore)
    {
        await Poll.UntilAsync(() => server.Server.LiveConnections == connections, $"the server is back to {connections} open connections");
        long heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        Assert.True(heapAfter - heapBefore < 32L * 1024 * 1024, $"the managed heap grew by {heapAfter - heapBefore} bytes");
    }

    private static byte[] Header(int length, byte type, uint requestId, byte flags = 0)
    {
        byte[] header = new byte[FrameHeader.Size];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)length);
        header[4] = type;
        header[5] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(8), requestId);
        return header;
    }
}
