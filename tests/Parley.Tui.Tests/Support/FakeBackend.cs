using Parley.Client;
using Parley.Protocol.Messages;
using Parley.Tui.Model;

namespace Parley.Tui.Tests.Support;

/// <summary>A backend that records what the model asked for and answers at once (or as a test says).</summary>
public sealed partial class FakeBackend : IChatBackend
{
    public bool IsConnected { get; set; } = true;

    /// <summary>Every request, as <c>say #a hello</c>, <c>whisper bob hi</c>, <c>join #a</c> ...</summary>
    public List<string> Calls { get; } = [];

    /// <summary>When set, requests fail with this exception.</summary>
    public Exception? Fail { get; set; }

    public string? QuitMessage { get; private set; }

    public bool QuitCalled { get; private set; }

    /// <summary>Members the fake server reports on join.</summary>
    public List<string> RoomMembers { get; } = ["alice"];

    public Task<Joined> JoinAsync(string room) => Answer($"join {room}", () =>
    {
        var joined = new Joined
        {
            Room = room, Topic = string.Empty, MemberCount = (uint)RoomMembers.Count, LastSeq = RoomSeqs.LastSeq, ReadSeq = RoomSeqs.ReadSeq,
        };
        joined.Members.AddRange(RoomMembers);
        joined.MemberStates.AddRange(RoomMemberStates);
        return joined;
    });

    public Task PartAsync(string room, string reason) => Answer($"part {room} {reason}".TrimEnd(), () => true);

    public Task<RoomList> ListRoomsAsync() => Answer("list", () =>
    {
        var list = new RoomList { RoomCount = 2 };
        list.Rooms.Add(new RoomInfo { Name = "#general", MemberCount = 3, Topic = "hi" });
        list.Rooms.Add(new RoomInfo { Name = "#games", MemberCount = 1 });
        return list;
    });

    public Task<Members> NamesAsync(string room) => Answer($"names {room}", () =>
    {
        var members = new Members { Room = room, MemberCount = 2 };
        members.Members_.AddRange(["alice", "bob"]);
        return members;
    });

    public Task<Sent> SayAsync(string room, string text, bool action) => Answer($"{(action ? "action" : "say")} {room} {text}", () => new Sent { Seq = 1 });

    public Task<Sent> WhisperAsync(string nick, string text, bool action) => Answer($"{(action ? "whisper-action" : "whisper")} {nick} {text}", () => new Sent { Seq = 1 });

    public Task<string> SetNickAsync(string nick) => Answer($"nick {nick}", () => nick);

    public Task SetTopicAsync(string room, string topic) => Answer($"topic {room} {topic}".TrimEnd(), () => true);

    /// <summary>Member states (away, roles, mutes) the fake server lists on join.</summary>
    public List<MemberState> RoomMemberStates { get; } = [];

    /// <summary>The room's last sequence number and the read marker the fake server reports on join.</summary>
    public (ulong LastSeq, ulong ReadSeq) RoomSeqs { get; set; }

    /// <summary>What whois answers; null: NO_SUCH_USER.</summary>
    public WhoisInfo? WhoisAnswer { get; set; }

    /// <summary>Stored messages by conversation (a room, or a peer's nickname), for backlogs.</summary>
    public Dictionary<string, List<Delivered>> RoomHistory { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, List<DirectDelivered>> DirectHistory { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>When set, backlogs wait for this before they answer (to let live messages overtake them).</summary>
    public TaskCompletionSource? HoldBacklogs { get; set; }

    public Task SetAwayAsync(string? message) => Answer(message is null ? "back" : $"away {message}", () => true);

    public Task<WhoisInfo> WhoisAsync(string nick)
    {
        Calls.Add($"whois {nick}");
        return Fail is { } ex ? Task.FromException<WhoisInfo>(ex)
            : WhoisAnswer is { } info ? Task.FromResult(info)
            : Task.FromException<WhoisInfo>(new ParleyRequestException(ErrorCode.NoSuchUser, $"no user {nick} is online"));
    }

    public Task<IReadOnlyList<Delivered>> RoomBacklogAsync(string room, ulong throughSeq, int count) =>
        Backlog($"backlog {room} {throughSeq} {count}", () => (IReadOnlyList<Delivered>)
            [.. RoomHistory.GetValueOrDefault(room, []).Where(m => m.Seq <= throughSeq).TakeLast(count)]);

    public Task<IReadOnlyList<DirectDelivered>> DirectBacklogAsync(string peer, ulong throughSeq, int count) =>
        Backlog($"direct-backlog {peer} {throughSeq} {count}", () => (IReadOnlyList<DirectDelivered>)
            [.. DirectHistory.GetValueOrDefault(peer, []).Where(m => m.Seq <= throughSeq).TakeLast(count)]);

    public Task MarkReadAsync(string conversation, ulong seq) => Answer($"mark {conversation} {seq}", () => true);

    public void Quit(string? message)
    {
        QuitCalled = true;
        QuitMessage = message;
    }

    private async Task<T> Backlog<T>(string call, Func<T> result)
    {
        Calls.Add(call);
        if (HoldBacklogs is { } hold)
        {
            await hold.Task;
        }

        return Fail is { } ex ? throw ex : result();
    }

    private Task<T> Answer<T>(string call, Func<T> result)
    {
        Calls.Add(call);
        return Fail is { } ex ? Task.FromException<T>(ex) : Task.FromResult(result());
    }
}

/// <summary>Runs posted work at once, on the test's thread: the tests are the UI thread.</summary>
public sealed class InlineDispatcher : IUiDispatcher
{
    public void Post(Action action) => action();
}
