using Parley.Protocol.Messages;

namespace Parley.Client;

/// <summary>
/// Room modes as IRC-style flags, as people type and read them: <c>i</c> invite-only, <c>t</c> topic
/// locked; <c>+</c> sets, <c>-</c> clears (<c>+i</c>, <c>-t</c>, <c>+it</c>, <c>+i -t</c>).
/// </summary>
public static class ModeFlags
{
    /// <summary>Which modes <paramref name="text"/> sets or clears (null: not named); false with a reason for anything else.</summary>
    public static bool TryParse(string text, out bool? inviteOnly, out bool? topicLocked, out string error)
    {
        inviteOnly = null;
        topicLocked = null;
        error = string.Empty;
        string[] words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            error = "no modes given: +i, -i, +t or -t (i: invite-only, t: topic locked)";
            return false;
        }

        foreach (string word in words)
        {
            if (word.Length < 2 || word[0] is not ('+' or '-'))
            {
                error = $"not a mode change: {word} (+i, -i, +t or -t)";
                return false;
            }

            bool on = word[0] == '+';
            foreach (char flag in word.AsSpan(1))
            {
                switch (flag)
                {
                    case 'i':
                        inviteOnly = on;
                        break;
                    case 't':
                        topicLocked = on;
                        break;
                    default:
                        error = $"unknown mode {flag}: i is invite-only, t is topic locked";
                        return false;
                }
            }
        }

        return true;
    }

    /// <summary>Every mode, set or not: <c>+i -t</c>.</summary>
    public static string Format(RoomModes? modes) =>
        $"{(modes?.InviteOnly == true ? '+' : '-')}i {(modes?.TopicLocked == true ? '+' : '-')}t";
}
