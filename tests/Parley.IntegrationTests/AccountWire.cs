using System.Net;
using Google.Protobuf;
using Parley.Protocol;
using Parley.Protocol.Messages;

namespace Parley.IntegrationTests;

/// <summary>Account Hellos over a <see cref="WireClient"/>.</summary>
internal static class AccountWire
{
    public const string Password = "correct horse battery";

    /// <summary>Sends a Hello with account fields and returns the server's answer (Welcome or Error).</summary>
    public static async Task<IMessage> AccountHelloAsync(this WireClient client, string account, string password = "", bool register = false,
        string nick = "", string resumeToken = "", string invite = "", bool wantToken = false)
    {
        await client.SendAsync(new Hello
        {
            ProtocolVersion = ProtocolConstants.Version, ClientName = "wire-test", Nick = nick, Account = account, Password = password,
            Register = register, ResumeToken = resumeToken, InviteCode = invite, WantResumeToken = wantToken,
        });
        return await client.ReadAsync() ?? throw new InvalidOperationException("the server closed the connection instead of answering the Hello");
    }

    /// <summary>A new connection that logs in (or registers) and gets its Welcome; over TLS when <paramref name="fingerprint"/> is given.</summary>
    public static async Task<(WireClient Client, Welcome Welcome)> LoginAsync(IPEndPoint server, string account, string password = Password,
        bool register = false, string nick = "", bool wantToken = false, string? fingerprint = null)
    {
        WireClient client = await WireClient.ConnectOverAsync(server, fingerprint);
        IMessage reply = await client.AccountHelloAsync(account, password, register, nick, wantToken: wantToken);
        Assert.True(reply is Welcome, $"the login of {account} was answered {reply}");
        return (client, (Welcome)reply);
    }

    public static ErrorCode CodeOf(IMessage reply) => Assert.IsType<Error>(reply).Code;
}
