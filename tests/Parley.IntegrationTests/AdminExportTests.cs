using System.Text.Json;
using Parley.Protocol.Messages;
using Parley.TestUtilities;

namespace Parley.IntegrationTests;

/// <summary><c>parley admin export</c> as a process, on the data directory of a real server process.</summary>
public sealed class AdminExportTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "parley-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    [Fact]
    public async Task Export_writes_every_message_of_the_room_in_order_while_the_server_runs_and_after_it_stopped()
    {
        var texts = new List<string> { "first", "quote \" and backslash \\", "ünïcödé ✓ <b>&", "line one\nline two" };
        texts.AddRange(Enumerable.Range(1, 46).Select(i => $"message {i}"));
        List<Sent> acks = [];
        // Fifty messages as fast as the server acknowledges them: not a test of flood control.
        ServerProcess server = await ServerProcess.StartWithDataAsync(0, _data, "--no-rate-limits");
        await using (server)
        {
            await using WireClient alice = await WireClient.ConnectReadyAsync(server, "alice", "#General", "#quiet", "#other");
            await alice.SendAsync(new Say { Room = "#other", Text = "not in #general" });
            await alice.ExpectAsync<Sent>();
            for (int i = 0; i < texts.Count; i++)
            {
                await alice.SendAsync(new Say { Room = "#General", Text = texts[i], ClientMsgId = $"c{i}", Action = i == 1 });
                acks.Add(await alice.ExpectAsync<Sent>());
            }

            List<JsonElement> live = await ExportAsync("#general");
            AssertExport(live, acks, texts);

            // A room that exists but has no messages: nothing, successfully.
            Assert.Empty(await ExportAsync("quiet"));

            // The server goes on as before, and kept writing while the export read.
            await alice.SendAsync(new Say { Room = "#General", Text = "after the export", ClientMsgId = "after" });
            acks.Add(await alice.ExpectAsync<Sent>());
            texts.Add("after the export");
            await server.Process.TerminateAsync();
            Assert.Equal(0, await server.Process.WaitForExitAsync(TimeSpan.FromSeconds(20)));
            Assert.Empty(server.LoggedErrors);
        }

        string file = Path.Combine(_data, "export.jsonl");
        await using (ParleyProcess export = ParleyProcess.Start("admin", "export", "#GENERAL", "--data", _data, "--output", file))
        {
            Assert.Equal(0, await export.WaitForExitAsync());
            Assert.Equal($"exported {texts.Count} messages of #GENERAL to {file}", Assert.Single(export.Lines));
        }

        AssertExport([.. File.ReadAllLines(file).Select(l => JsonDocument.Parse(l).RootElement)], acks, texts);
    }

    [Fact]
    public async Task Export_fails_with_one_line_and_exit_1_for_a_missing_directory_database_or_room()
    {
        await AssertFailsAsync(["admin", "export", "#general", "--data", _data], "no data directory");
        Directory.CreateDirectory(_data);
        await AssertFailsAsync(["admin", "export", "#general", "--data", _data], "no database in");

        ServerProcess server = await ServerProcess.StartWithDataAsync(0, _data);
        await using (server)
        {
            await using WireClient alice = await WireClient.ConnectReadyAsync(server, "alice", "#general");
            await AssertFailsAsync(["admin", "export", "#nowhere", "--data", _data], "no room #nowhere in");
            await AssertFailsAsync(["admin", "export", "#not a room", "--data", _data], "#not a room is not a room name");
        }
    }

    private async Task<List<JsonElement>> ExportAsync(string room)
    {
        await using ParleyProcess export = ParleyProcess.Start("admin", "export", room, "--data", _data);
        Assert.True(await export.WaitForExitAsync() == 0, export.Explain("the export failed"));
        Assert.Empty(export.ErrorLines);
        return [.. export.Lines.Select(l => JsonDocument.Parse(l).RootElement)];
    }

    private static void AssertExport(List<JsonElement> lines, List<Sent> acks, List<string> texts)
    {
        Assert.Equal(texts.Count, lines.Count);
        for (int i = 0; i < lines.Count; i++)
        {
            JsonElement line = lines[i];
            Assert.Equal(acks[i].MessageId.ToString(System.Globalization.CultureInfo.InvariantCulture), line.GetProperty("id").GetString());
            Assert.Equal(acks[i].Seq, line.GetProperty("seq").GetUInt64());
            Assert.Equal((ulong)(i + 1), line.GetProperty("seq").GetUInt64());
            Assert.Equal(acks[i].TimestampMs, line.GetProperty("time_ms").GetInt64());
            Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(acks[i].TimestampMs), line.GetProperty("time").GetDateTimeOffset());
            Assert.EndsWith("Z", line.GetProperty("time").GetString(), StringComparison.Ordinal);
            Assert.Equal("alice", line.GetProperty("sender").GetString());
            Assert.Equal(texts[i], line.GetProperty("text").GetString());
            Assert.Equal(i == 1, line.GetProperty("action").GetBoolean());
        }
    }

    private static async Task AssertFailsAsync(string[] args, string message)
    {
        await using ParleyProcess export = ParleyProcess.Start(args);
        Assert.Equal(1, await export.WaitForExitAsync());
        Assert.Empty(export.Lines);
        Assert.StartsWith($"parley admin export: {message}", Assert.Single(export.ErrorLines), StringComparison.Ordinal);
    }
}
