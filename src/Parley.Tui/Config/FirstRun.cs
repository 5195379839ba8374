using Parley.Client;
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

    /// <summary>
    /// Shows an unknown server's fingerprint and asks whether to trust it (default no), as SSH does on first contact.
    /// Yes pins it in the known-servers file; a changed fingerprint is never asked about (it is refused before this).
    /// </summary>
    public static bool AskTrust(IAnsiConsole console, UnknownServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        console.MarkupLine($"[bold]{Markup.Escape(server.Server)}[/] is not a known server, and its certificate is not from an authority this machine trusts.");
        console.MarkupLine($"Its key fingerprint is [bold]{Markup.Escape(server.Fingerprint)}[/]");
        console.MarkupLine($"[dim](certificate subject: {Markup.Escape(server.Subject)}; anyone can write any subject)[/]");
        console.MarkupLine("Compare it with the fingerprint the server's operator gives you ([bold]parley admin fingerprint[/] on the server).");
        console.MarkupLine($"Saying yes remembers it in {Markup.Escape(server.KnownServersFile)}; a different key later is refused.");
        return console.Prompt(new ConfirmationPrompt("Trust this server?") { DefaultValue = false });
    }
}
