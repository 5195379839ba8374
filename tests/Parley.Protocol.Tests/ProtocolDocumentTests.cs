using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Parley.Protocol.Messages;
using Parley.Protocol.Tests.Support;

namespace Parley.Protocol.Tests;

/// <summary>docs/PROTOCOL.md is written for implementers in other languages: its bytes and tables must match the code.</summary>
public class ProtocolDocumentTests
{
    private static readonly string Root = FindRoot();
    private static readonly string Document = File.ReadAllText(Path.Combine(Root, "docs", "PROTOCOL.md")).ReplaceLineEndings("\n");

    public static TheoryData<string, string> Examples => new()
    {
        {
            "Hello",
            "0000001B0100000000000001080112107061726C65792D636C692F302E312E301A05616C696365"
        },
        {
            "Say",
            "0000001C08000000000000020A082367656E6572616C120C68656C6C6F2C20776F726C641A026331"
        },
    };

    [Theory]
    [MemberData(nameof(Examples))]
    public void Worked_example_bytes_are_what_the_writer_produces_and_what_the_document_shows(string name, string hex)
    {
        byte[] bytes = name switch
        {
            "Hello" => Wire.Write(FrameType.Hello, 1, new Hello { ProtocolVersion = 1, ClientName = "parley-cli/0.1.0", Nick = "alice" }),
            "Say" => Wire.Write(FrameType.Say, 2, new Say { Room = "#general", Text = "hello, world", ClientMsgId = "c1" }),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };

        Assert.Equal(hex, Wire.Hex(bytes));
        Assert.Contains($"Hex on one line: `{hex}`", Document, StringComparison.Ordinal);
        Assert.Contains(HexDump(bytes), Document, StringComparison.Ordinal);
    }

    [Fact]
    public void Ping_pong_and_empty_message_examples_match_the_writer()
    {
        Assert.Contains("server → client   " + Spaced(Wire.Write(FrameType.Ping, 0, new Ping { Nonce = 42 })), Document, StringComparison.Ordinal);
        Assert.Contains("client → server   " + Spaced(Wire.Write(FrameType.Pong, 0, new Pong { Nonce = 42 })), Document, StringComparison.Ordinal);
        Assert.Contains("`" + Spaced(Wire.Write(FrameType.ListRooms, 7, new ListRooms())) + "`", Document, StringComparison.Ordinal);
    }

    [Fact]
    public void Document_embeds_the_normative_proto_file_verbatim()
    {
        string proto = File.ReadAllText(Path.Combine(Root, "src", "Parley.Protocol", "parley.proto")).ReplaceLineEndings("\n").TrimEnd('\n');

        Assert.True(
            Document.Contains("```proto\n" + proto + "\n```\n", StringComparison.Ordinal),
            "docs/PROTOCOL.md must hold src/Parley.Protocol/parley.proto verbatim in its ```proto block (section 'Payload messages'): copy the file there and update the prose if the change needs it.");
    }

    [Fact]
    public void Frame_type_table_lists_every_frame_type_with_its_byte()
    {
        foreach (FrameType type in Enum.GetValues<FrameType>())
        {
            Assert.Contains($"| `0x{(byte)type:X2}` | {type} |", Document, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Error_code_table_lists_every_code_with_its_value()
    {
        foreach (ErrorCode code in Enum.GetValues<ErrorCode>())
        {
            Assert.Contains($"| {(int)code} | `{OriginalName(code)}` |", Document, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Quit_reason_table_lists_every_reason_with_its_value()
    {
        foreach (QuitReason reason in Enum.GetValues<QuitReason>())
        {
            Assert.Contains($"| {(int)reason} | `{OriginalName(reason)}` |", Document, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Limits_table_shows_the_protocol_constants()
    {
        Assert.Contains($"| `max_frame_payload` | {ProtocolConstants.DefaultMaxFramePayload} |", Document, StringComparison.Ordinal);
        Assert.Contains($"| `max_text_bytes` | {ProtocolConstants.MaxTextBytes} |", Document, StringComparison.Ordinal);
        Assert.Contains($"| `max_nick_length` | {ProtocolConstants.MaxNickLength} |", Document, StringComparison.Ordinal);
        Assert.Contains($"| `max_room_name_length` | {ProtocolConstants.MaxRoomNameLength} |", Document, StringComparison.Ordinal);
        Assert.Contains($"| `max_topic_bytes` | {ProtocolConstants.MaxTopicBytes} |", Document, StringComparison.Ordinal);
        Assert.Contains($"| TCP port | {ProtocolConstants.DefaultPort} |", Document, StringComparison.Ordinal);
        Assert.Contains($"| {ProtocolConstants.MaxReasonBytes} UTF-8 bytes (cut) |", Document, StringComparison.Ordinal);
        Assert.Contains($"| {ProtocolConstants.MaxClientMsgIdBytes} bytes, printable ASCII |", Document, StringComparison.Ordinal);
        Assert.Contains("| 8 | 4 | `request_id` |", Document, StringComparison.Ordinal);
        Assert.Equal(12, FrameHeader.Size);
    }

    private static string OriginalName<T>(T value) where T : struct, Enum =>
        typeof(T).GetField(value.ToString())!.GetCustomAttribute<OriginalNameAttribute>()!.Name;

    private static string Spaced(byte[] bytes) => string.Join(' ', bytes.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>The document's hexdump layout: offset, 16 bytes, printable ASCII.</summary>
    private static string HexDump(byte[] bytes)
    {
        var lines = new List<string>();
        for (int offset = 0; offset < bytes.Length; offset += 16)
        {
            byte[] chunk = bytes[offset..Math.Min(offset + 16, bytes.Length)];
            string ascii = new([.. chunk.Select(b => b is >= 0x20 and < 0x7F ? (char)b : '.')]);
            lines.Add($"{offset:x4}  {Spaced(chunk),-47}   {ascii}");
        }

        return string.Join('\n', lines);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Parley.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Parley.slnx above {AppContext.BaseDirectory}");
    }
}
