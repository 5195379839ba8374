using System.Diagnostics;
using System.Globalization;
using Parley.TestUtilities;

namespace Parley.IntegrationTests;

/// <summary>
/// TLS through the real executables: <c>parley serve</c>'s certificate, its fingerprint as <c>parley admin
/// fingerprint</c> prints it and as clients pin it, SIGHUP, and what <c>send</c>, <c>chat --plain</c> and the
/// full-screen client say about unknown and changed servers.
/// </summary>
public sealed class TlsEndToEndTests
{
    /// <summary>A deadline for the commands that must succeed: a fresh process\'s first TLS handshake on a loaded two-core machine can take seconds.</summary>
    private const string SlowMachine = "30";

    [Fact]
    public async Task The_first_start_makes_a_key_only_its_owner_can_read_and_admin_prints_the_fingerprint_clients_pin()
    {
        await using ServerProcess server = await ServerProcess.StartAsync();
        // No line of the start names an HTTP scheme: the port speaks Parley over TLS.
        Assert.DoesNotContain(server.Process.Lines.Concat(server.Process.ErrorLines), l => l.Contains("http://", StringComparison.Ordinal) || l.Contains("https://", StringComparison.Ordinal));
        string tls = Path.Combine(server.DataDirectory, "tls");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(tls, "key.pem")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(tls));
        }

        await using ParleyProcess admin = ParleyProcess.Start("admin", "fingerprint", "--data", server.DataDirectory);
        Assert.Equal(0, await admin.WaitForExitAsync());
        string printed = Assert.Single(admin.Lines);
        Assert.Equal(server.Fingerprint, printed);

        using var home = new TempDirectory();
        var environment = new Dictionary<string, string> { ["XDG_DATA_HOME"] = home.Path };
        await using ParleyProcess health = ParleyProcess.Start(environment, "health", server.Address, "--trust-on-first-use", "--timeout", SlowMachine);
        Assert.True(await health.WaitForExitAsync() == 0, health.Explain("health did not exit 0"));
        string knownServers = Path.Combine(home.Path, "parley", "known_servers");
        Assert.Contains($"{server.Address} {printed}", await File.ReadAllLinesAsync(knownServers));

        // The same key on the next start: the pin holds without --trust.
        await server.Process.TerminateAsync();
        Assert.Equal(0, await server.Process.WaitForExitAsync());
        await using ServerProcess again = await ServerProcess.StartWithDataAsync(server.Port, server.DataDirectory);
        Assert.Equal(printed, again.Fingerprint);
        await using ParleyProcess pinned = ParleyProcess.Start(environment, "health", again.Address, "--timeout", SlowMachine);
        Assert.True(await pinned.WaitForExitAsync() == 0, pinned.Explain("health with the pin did not exit 0"));
    }

    [Fact]
    public async Task Send_refuses_an_unknown_server_with_instructions_and_nothing_is_sent()
    {
        await using ServerProcess server = await ServerProcess.StartAsync();
        await using ChatProcess watcher = await ChatProcess.StartAsync(server, "watcher");
        await watcher.JoinAsync("#news");

        await using ParleyProcess send = ParleyProcess.Start("send", server.Address, "#news", "should not arrive", "--name", "bot", "--timeout", SlowMachine);

        Assert.Equal(1, await send.WaitForExitAsync());
        string errors = string.Join('\n', send.ErrorLines);
        Assert.StartsWith($"parley send: not sent: {server.Address} is not a known server", errors, StringComparison.Ordinal);
        Assert.Contains(server.Fingerprint!, errors, StringComparison.Ordinal);
        Assert.Contains("--trust", errors, StringComparison.Ordinal);
        await using ParleyProcess proof = ParleyProcess.Start(["send", server.Address, "#news", "this one does", "--name", "bot", "--timeout", SlowMachine, .. server.ClientArgs]);
        Assert.Equal(0, await proof.WaitForExitAsync());
        await watcher.WaitForLineAsync(l => l == "[#news] <bot> this one does", reason: "with the trusted send");
        Assert.DoesNotContain(watcher.Lines, l => l.Contains("should not arrive", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Plain_chat_stops_when_the_servers_key_changes_across_a_restart_and_trust_forget_lets_it_pin_the_new_one()
    {
        using var home = new TempDirectory();
        var environment = new Dictionary<string, string> { ["XDG_DATA_HOME"] = home.Path };
        ServerProcess first = await ServerProcess.StartAsync();
        int port = first.Port;
        string oldKey = first.Fingerprint!;
        await using ParleyProcess alice = ParleyProcess.Start(environment, "chat", first.Address, "--plain", "--name", "alice", "--trust-on-first-use");
        await alice.WaitForLineAsync(l => l == $"-- connected to {first.Address} as alice", reason: "connected");

        // A new data directory is a new key: to the client, the server it pinned is gone and someone else answers.
        await first.Process.TerminateAsync();
        await first.DisposeAsync();
        await using ServerProcess second = await ServerProcess.StartAsync(port);
        Assert.NotEqual(oldKey, second.Fingerprint);

        Assert.Equal(1, await alice.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        string notConnected = await alice.WaitForLineAsync(l => l.StartsWith("-- not connected: ", StringComparison.Ordinal), reason: "refusing the new key");
        Assert.Contains("CHANGED", notConnected, StringComparison.Ordinal);
        Assert.Contains($"! WARNING: THE IDENTITY OF {second.Address} HAS CHANGED.", alice.Lines);
        Assert.Contains(alice.Lines, l => l.Contains(second.Fingerprint!, StringComparison.Ordinal));
        Assert.Contains(alice.Lines, l => l.StartsWith("! ", StringComparison.Ordinal) && l.EndsWith($" parley trust --forget {second.Address}", StringComparison.Ordinal));
        Assert.DoesNotContain(alice.Lines.SkipWhile(l => !l.StartsWith("-- not connected", StringComparison.Ordinal)), l => l.StartsWith("-- reconnecting", StringComparison.Ordinal));

        await using (ParleyProcess forget = ParleyProcess.Start(environment, "trust", "--forget", second.Address))
        {
            Assert.Equal(0, await forget.WaitForExitAsync());
            Assert.Equal($"forgot {second.Address} ({Path.Combine(home.Path, "parley", "known_servers")})", Assert.Single(forget.Lines));
        }

        await using ParleyProcess back = ParleyProcess.Start(environment, "health", second.Address, "--trust", second.Fingerprint!, "--timeout", SlowMachine);
        Assert.True(await back.WaitForExitAsync() == 0, back.Explain("health with the new key did not exit 0"));
        await using ParleyProcess list = ParleyProcess.Start(environment, "trust");
        Assert.Equal(0, await list.WaitForExitAsync());
        Assert.Equal($"{second.Address} {second.Fingerprint}", Assert.Single(list.Lines));
    }

    [Fact]
    public async Task Sighup_reloads_replaced_certificate_files_while_a_connected_client_keeps_chatting()
    {
        using var directory = new TempDirectory();
        var certbot = new TestCertificates.CertbotLayout(Path.Combine(directory.Path, "letsencrypt"));
        string oldKey = certbot.Renew(rsa: true);
        // Only SIGHUP may reload in this test: no periodic check, and the files change behind links the watcher does not see.
        string config = Path.Combine(directory.Path, "parley.json");
        await File.WriteAllTextAsync(config, """{ "Tls": { "ReloadCheckInterval": "1.00:00:00" } }""");
        await using ServerProcess server = await ServerProcess.StartAsync(0, "--config", config, "--tls-cert", certbot.CertificateFile, "--tls-key", certbot.KeyFile);
        Assert.Equal(oldKey, server.Fingerprint);
        await using ChatProcess alice = await ChatProcess.StartAsync(server, "alice");
        await alice.JoinAsync("#a");

        string newKey = certbot.RewriteInPlace();
        int mark = server.Process.Lines.Count;
        await SignalAsync("HUP", server.Process.Id);
        await server.Process.WaitForLineAsync(l => l.Contains("TLS certificate reloaded (SIGHUP)", StringComparison.Ordinal) && l.Contains(newKey, StringComparison.Ordinal), mark,
            reason: "logging the reload");

        Assert.False(server.Process.HasExited, "SIGHUP ended the server");
        await using ChatProcess bob = await ChatProcess.StartAsync(server.Address, "bob", "--trust", newKey);
        await bob.JoinAsync("#a");
        await alice.TypeAsync("said over the old session");
        await bob.WaitForLineAsync(l => l == "[#a] <alice> said over the old session", reason: "with alice's line, sent over the connection made before the reload");
        await using ParleyProcess oldTrust = ParleyProcess.Start("health", server.Address, "--trust", oldKey, "--timeout", SlowMachine);
        Assert.Equal(1, await oldTrust.WaitForExitAsync());
        await using ParleyProcess admin = ParleyProcess.Start("admin", "fingerprint", "--tls-cert", certbot.CertificateFile);
        Assert.Equal(0, await admin.WaitForExitAsync());
        Assert.Equal(newKey, Assert.Single(admin.Lines));
        Assert.Empty(server.LoggedErrors);
    }

    [Fact]
    public async Task The_full_screen_client_shows_an_unknown_servers_fingerprint_before_its_screen_and_pins_it_on_yes()
    {
        await using ServerProcess server = await ServerProcess.StartAsync();
        await using var terminal = new TmuxTerminal();

        string alice = await terminal.StartChatAsync(server.Address, "alice");
        string question = await terminal.WaitForScreenAsync(alice, s => s.Contains("Trust this server?", StringComparison.Ordinal), "asking whether to trust the server");
        Assert.Contains(server.Fingerprint!, question, StringComparison.Ordinal);
        await terminal.TypeAsync(alice, "y");
        await terminal.PressAsync(alice, "Enter");
        await terminal.WaitForScreenAsync(alice, s => s.Contains(": connected]", StringComparison.Ordinal), "connected after the yes");
        string pins = await File.ReadAllTextAsync(Path.Combine(terminal.DataHome(alice), "parley", "known_servers"));
        Assert.Contains($"{server.Address} {server.Fingerprint}", pins, StringComparison.Ordinal);

        string bob = await terminal.StartChatAsync(server.Address, "bob");
        await terminal.WaitForScreenAsync(bob, s => s.Contains("Trust this server?", StringComparison.Ordinal), "asking bob too");
        await terminal.TypeAsync(bob, "n");
        await terminal.PressAsync(bob, "Enter");
        Assert.Equal(1, await terminal.WaitForExitAsync(bob));
        Assert.False(File.Exists(Path.Combine(terminal.DataHome(bob), "parley", "known_servers")));
    }

    private static async Task SignalAsync(string signal, int pid)
    {
        using Process kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("kill did not start");
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }
}
