using System.Text;
using System.Text.Json;
using Parley.Server.Storage;

namespace Parley.Cli.Tests;

/// <summary>The JSON Lines of <c>parley admin export</c>, without a database or a process.</summary>
public sealed class RoomExportTests
{
    [Fact]
    public void Each_message_is_one_line_of_json_with_its_fields()
    {
        StoredMessage[] messages =
        [
            Message(1, ulong.MaxValue, 1_795_435_200_000, "alice", "two\nlines, \"quoted\" \\ ünï ✓ <b>&", action: false),
            Message(2, 42, 1_795_435_200_123, "bob", "waves", action: true),
        ];
        using var output = new MemoryStream();

        Assert.Equal(2, RoomExport.Write(messages, output, CancellationToken.None));

        string text = Encoding.UTF8.GetString(output.ToArray());
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        string[] lines = text.TrimEnd('\n').Split('\n');
        Assert.Equal(
            """{"id":"18446744073709551615","seq":1,"time":"2026-11-23T12:00:00.000Z","time_ms":1795435200000,"sender":"alice","text":"two\nlines, \"quoted\" \\ ünï ✓ <b>&","action":false}""",
            lines[0]);
        using JsonDocument second = JsonDocument.Parse(lines[1]);
        Assert.Equal("42", second.RootElement.GetProperty("id").GetString());
        Assert.Equal(2UL, second.RootElement.GetProperty("seq").GetUInt64());
        Assert.Equal("2026-11-23T12:00:00.123Z", second.RootElement.GetProperty("time").GetString());
        Assert.True(second.RootElement.GetProperty("action").GetBoolean());
    }

    [Fact]
    public void No_messages_write_nothing()
    {
        using var output = new MemoryStream();

        Assert.Equal(0, RoomExport.Write([], output, CancellationToken.None));
        Assert.Equal(0, output.Length);
    }

    [Fact]
    public void Messages_are_written_as_they_are_read()
    {
        using var output = new MemoryStream();
        long lengthWhenThirdWasRead = -1;
        IEnumerable<StoredMessage> Stream()
        {
            yield return Message(1, 1, 0, "a", "one", false);
            yield return Message(2, 2, 0, "a", "two", false);
            lengthWhenThirdWasRead = output.Length;
            yield return Message(3, 3, 0, "a", "three", false);
        }

        RoomExport.Write(Stream(), output, CancellationToken.None);

        Assert.Equal(2, Encoding.UTF8.GetString(output.ToArray(), 0, (int)lengthWhenThirdWasRead).Count(c => c == '\n'));
    }

    private static StoredMessage Message(ulong seq, ulong id, long timeMs, string sender, string text, bool action) =>
        new("#general", seq, id, timeMs, sender, sender, "", text, action, "");
}
