using System.Buffers.Binary;
using Parley.Protocol;
using Parley.Protocol.Messages;

namespace Parley.Server.Tests;

public sealed class HandshakeTests
{
    [Fact]
    public async Task Hello_is_answered_with_welcome_nick_and_limits()
    {
        await using var server = new InMemoryServer(o => o.SendQueueHardBytes = 123_456);
        TestPeer alice = server.Connect();

        Welcome welcome = await alice.HelloAsync("Alice");

        Assert.Equal(ProtocolConstants.Version, welcome.ProtocolVersion);
        Assert.Equal("Alice", welcome.Nick);
        Assert.Equal(123_456ul, welcome.Limits.SendQueueHardBytes);
        Assert.Equal((uint)ProtocolConstants.DefaultMaxFramePayload, welcome.Limits.MaxFramePayload);
        Assert.Equal(30_000u, welcome.Limits.PingIntervalMs);
    }

    [Fact]
    public async Task Empty_nick_gets_a_guest_name()
    {
        await using var server = new InMemoryServer();
        Welcome welcome = await server.Connect().HelloAsync("");
        Assert.StartsWith("guest", welcome.Nick, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Taken_nick_is_refused_case_insensitively_and_hello_can_be_retried()
    {
        await using var server = new InMemoryServer();
        await server.Connect().HelloAsync("alice");
        TestPeer second = server.Connect();

        uint id = await second.SendAsync(new Hello { ProtocolVersion = 1, Nick = "ALICE" });
        var reply = await second.ReadAsync();
        Assert.Equal(id, reply!.Value.RequestId);
        Assert.Equal(ErrorCode.NickInUse, Assert.IsType<Error>(reply.Value.Message).Code);

        Welcome welcome = await second.HelloAsync("alice2");
        Assert.Equal("alice2", welcome.Nick);
    }

    [Fact]
    public async Task Unsupported_version_gets_an_error_and_a_close()
    {
        await using var server = new InMemoryServer();
        TestPeer peer = server.Connect();
        await peer.SendAsync(new Hello { ProtocolVersion = 99, Nick = "x" });

        List<Google.Protobuf.IMessage> frames = await peer.ReadToEndAsync();

        Assert.Equal(ErrorCode.UnsupportedVersion, Assert.IsType<Error>(Assert.Single(frames)).Code);
    }

    [Fact]
    public async Task A_request_before_hello_gets_handshake_required_and_a_close()
    {
        await using var server = new InMemoryServer();
        TestPeer peer = server.Connect();
        await peer.SendAsync(new Join { Room = "#a" });

        List<Google.Protobuf.IMessage> frames = await peer.ReadToEndAsync();

        Assert.Equal(ErrorCode.HandshakeRequired, Assert.IsType<Error>(Assert.Single(frames)).Code);
    }

    [Fact]
    public async Task No_handshake_within_the_deadline_closes_the_connection()
    {
        await using var server = new InMemoryServer(o => o.HandshakeTimeout = TimeSpan.FromSeconds(10));
        TestPeer peer = server.Connect();

        server.Time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(1, server.Context.Connections.LiveCount);
        server.Time.Advance(TimeSpan.FromSeconds(2));

        List<Google.Protobuf.IMessage> frames = await peer.ReadToEndAsync();
        Assert.Equal(ErrorCode.HandshakeTimeout, Assert.IsType<Error>(Assert.Single(frames)).Code);
    }

    [Fact]
    public async Task A_two_gigabyte_length_is_refused_before_any_payload_is_buffered()
    {
        await using var server = new InMemoryServer();
        TestPeer peer = server.Connect();
        byte[] header = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(header, 0x8000_0000);

        await peer.SendRawAsync(header);

        List<Google.Protobuf.IMessage> frames = await peer.ReadToEndAsync();
        Assert.Equal(ErrorCode.FrameTooLarge, Assert.IsType<Error>(Assert.Single(frames)).Code);
    }

    [Fact]
    public async Task A_request_without_a_request_id_is_a_protocol_error()
    {
        await using var server = new InMemoryServer();
        TestPeer peer = server.Connect();
        await peer.SendAsync(new Hello { ProtocolVersion = 1, Nick = "a" }, requestId: 0);

        List<Google.Protobuf.IMessage> frames = await peer.ReadToEndAsync();
        Assert.Equal(ErrorCode.MalformedFrame, Assert.IsType<Error>(Assert.Single(frames)).Code);
    }
}
