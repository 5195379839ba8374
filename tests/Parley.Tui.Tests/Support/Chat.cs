using Microsoft.Extensions.Time.Testing;
using Parley.Client;
using Parley.Protocol.Messages;
using Parley.Tui.Input;
using Parley.Tui.Model;
using Parley.Tui.Render;

namespace Parley.Tui.Tests.Support;

/// <summary>A chat model on a fake backend and a fake clock (UTC, 2026-11-23 10:00), with helpers to type and to look.</summary>
public sealed class Chat
{
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    public Chat(string nick = "alice", ChatOptions? options = null, bool connect = true)
    {
        options ??= new ChatOptions();
        options.TimeZone = TimeZoneInfo.Utc;
        Model = new ChatModel("127.0.0.1:7275", nick, options, Backend, new InlineDispatcher(), Time);
        if (connect)
        {
            var welcome = new Welcome { Nick = nick, ServerName = "test" };
            Model.Apply(new ConnectedEvent("127.0.0.1:7275", nick, welcome));
        }
    }

    public FakeTimeProvider Time { get; } = new(Start);

    public FakeBackend Backend { get; } = new();

    public ChatModel Model { get; }

    public ChatBuffer Current => Model.Current;

    /// <summary>Types <paramref name="text"/> key by key.</summary>
    public Chat Type(string text)
    {
        foreach (char c in text)
        {
            Model.HandleKey(KeyStroke.Char(c.ToString()));
        }

        return this;
    }

    public Chat Press(KeyStroke key)
    {
        Model.HandleKey(key);
        return this;
    }

    public Chat Press(KeyName key, KeyMods mods = KeyMods.None) => Press(KeyStroke.Of(key, mods));

    /// <summary>Types a line and presses Enter.</summary>
    public Chat Enter(string line) => Type(line).Press(KeyName.Enter);

    public Chat Join(string room, params string[] members)
    {
        Backend.RoomMembers.Clear();
        Backend.RoomMembers.AddRange(members.Length > 0 ? members : [Model.Nick]);
        return Enter($"/join {room}");
    }

    public Chat Said(string room, string from, string text, bool action = false)
    {
        Model.Apply(new RoomMessageEvent(new Delivered
        {
            Room = room,
            From = from,
            Text = text,
            Action = action,
            TimestampMs = Time.GetUtcNow().ToUnixTimeMilliseconds(),
        }));
        return this;
    }

    public Chat Whispered(string from, string to, string text)
    {
        Model.Apply(new DirectMessageEvent(new DirectDelivered { From = from, To = to, Text = text, TimestampMs = Time.GetUtcNow().ToUnixTimeMilliseconds() }));
        return this;
    }

    public Screen Render(int width = 100, int height = 24) => ScreenRenderer.Render(Model, width, height);

    /// <summary>The screen as text, one row per line.</summary>
    public string Screen(int width = 100, int height = 24) => Render(width, height).ToString();

    /// <summary>The style of <paramref name="nick"/> in the member list (the rightmost 18 columns), or null when it is not listed.</summary>
    public Style? MemberStyle(string nick, int width = 100, int height = 24)
    {
        Screen screen = Render(width, height);
        int left = width - 18;
        for (int y = 1; y < height - 2; y++)
        {
            string entry = string.Concat(Enumerable.Range(left, 18).Select(x => screen[x, y].Text));
            if (entry.TrimEnd() == nick)
            {
                return screen[left, y].Style;
            }
        }

        return null;
    }

    /// <summary>The current buffer's lines as text (without timestamps).</summary>
    public List<string> Lines => [.. Current.Lines.Select(l => l.ToString())];
}
