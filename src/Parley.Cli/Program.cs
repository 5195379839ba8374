using System.CommandLine;
using Parley.Cli;

// The `parley` executable is only wiring: each subcommand lives in its own file. To add one, add it here.
Command[] commands =
[
    ServeCommand.Create(),
    ChatCommand.Create(),
    SendCommand.Create(),
    HealthCommand.Create(),
    Parley.Cli.Bench.BenchCommand.Create(),
    AdminCommand.Create(),
    TrustCommand.Create(),
    PasswdCommand.Create(),
];

var root = new RootCommand("Parley: a self-hosted chat server and terminal client.");
foreach (Command command in commands)
{
    root.Subcommands.Add(command);
}

return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
