namespace Marconi.Tests.Cli;

/// <summary>`marconi shell` in a real terminal (tmux): tab completion, history recall with Up, persisted history, Ctrl-D.</summary>
public sealed class ShellTerminalTests
{
    [Fact]
    public void Tab_completes_up_recalls_history_is_persisted_and_ctrl_d_exits()
    {
        var home = Directory.CreateTempSubdirectory("marconi-shell-home-").FullName;
        try
        {
            var marconi = Path.Combine(AppContext.BaseDirectory, "marconi.dll");
            Assert.True(File.Exists(marconi), $"{marconi} is missing: the test project must reference Marconi.Cli");
            var command = $"HOME='{home}' dotnet '{marconi}' shell; echo \"shell exited with $?\"; sleep 60";
            using var terminal = TmuxTerminal.Start(command);
            terminal.WaitFor("marconi> ");

            // Completion of a command: `us` + Tab is `use `; then the prompt names the queue.
            terminal.Type("us");
            terminal.SendKeys("Tab");
            terminal.WaitFor("marconi> use ");
            terminal.Type("orders");
            terminal.SendKeys("Enter");
            terminal.WaitFor("marconi:orders> ");

            // A completed line is still editable: Backspace takes `exit ` back off.
            terminal.Type("e");
            terminal.SendKeys("Tab");
            terminal.WaitFor("marconi:orders> exit ");
            terminal.SendKeys("BSpace", "BSpace", "BSpace", "BSpace", "BSpace");

            // Up recalls the last line; Enter runs it again.
            terminal.SendKeys("Up");
            terminal.WaitFor("marconi:orders> use orders");
            terminal.SendKeys("Enter");
            terminal.WaitFor("marconi:orders> ", occurrences: 2);

            terminal.SendKeys("C-d");
            terminal.WaitFor("shell exited with 0");

            Assert.Equal(["use orders"], File.ReadAllLines(Path.Combine(home, ".marconi_history")));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }
}
