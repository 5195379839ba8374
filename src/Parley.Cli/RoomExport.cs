using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Parley.Server.Storage;

namespace Parley.Cli;

/// <summary>
/// A room's history as JSON Lines (https://jsonlines.org): one object per message, oldest first, written
/// as the messages are read, so memory stays flat however long the history is.
/// </summary>
/// <remarks>
/// <c>{"id":"1234","seq":1,"time":"2026-11-23T12:00:00.000Z","time_ms":1795435200000,"sender":"alice","text":"hi","action":false}</c>.
/// <c>id</c> is a string because message ids use all 64 bits and readers that hold JSON numbers as
/// doubles (JavaScript, jq) would round them; <c>seq</c> and <c>time_ms</c> stay well within 2^53.
/// Text is UTF-8 as stored, with only what JSON requires escaped (quotes, backslashes, control characters).
/// </remarks>
internal static class RoomExport
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Not HTML: there is no reason to escape '<', '&', '+' or non-ASCII letters into \uXXXX.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes every message as one line; returns how many.</summary>
    public static long Write(IEnumerable<StoredMessage> messages, Stream output, CancellationToken cancellationToken)
    {
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        long count = 0;
        foreach (StoredMessage message in messages)
        {
            cancellationToken.ThrowIfCancellationRequested();
            WriteOne(writer, message);

            // One JSON value per line: flush this one, end the line, and let the writer start a new top-level value.
            writer.Flush();
            output.WriteByte((byte)'\n');
            writer.Reset();
            count++;
        }

        return count;
    }

    private static void WriteOne(Utf8JsonWriter writer, StoredMessage message)
    {
        writer.WriteStartObject();
        writer.WriteString("id", message.MessageId.ToString(CultureInfo.InvariantCulture));
        writer.WriteNumber("seq", message.Seq);
        writer.WriteString("time", DateTimeOffset.FromUnixTimeMilliseconds(message.TimestampMs)
            .ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        writer.WriteNumber("time_ms", message.TimestampMs);
        writer.WriteString("sender", message.SenderNick);
        writer.WriteString("text", message.Text);
        writer.WriteBoolean("action", message.Action);
        writer.WriteEndObject();
    }
}
