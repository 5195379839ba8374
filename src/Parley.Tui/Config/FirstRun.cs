using Parley.Protocol;
using Spectre.Console;

namespace Parley.Tui.Config;

/// <summary>The questions asked before the screen opens, with Spectre.Console (the screen is not up yet).</summary>
public static class FirstRun
{
    /// <summary>
    /// A console for the questions. The caller has checked that standard input and output are a terminal, so
    /// interactivity is not left to Spectre's guess (which says no when, say, standard error is redirected).
    /// </summary>
    public static IAnsiConsole Console() => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Interactive = InteractionSupport.Yes,
        Ansi = AnsiSupport.Detect,
        ColorSystem = ColorSystemSupport.Detect,
        Out = new AnsiConsoleOutput(System.Console.Out),
    });

    /// <summary>Asks for a nickname until a valid one is given; checked with the server's own rules.</summary>
    public static string AskNickname(IAnsiConsole console)
    {
        console.MarkupLine("[bold]Welcome to Parley.[/] Pick the nickname others will see (you can change it later with /nick).");
        TextPrompt<string> prompt = new TextPrompt<string>("Nickname:")
            .Validate(nick => ContentRules.TryValidateNick(nick.Trim(), out _, out _, out string error)
                ? ValidationResult.Success()
                : ValidationResult.Error($"[red]{Markup.Escape(error)}[/]"));
        string nick = console.Prompt(prompt).Trim();
        ContentRules.TryValidateNick(nick, out string display, out _, out _);
        return display;
    }
}
