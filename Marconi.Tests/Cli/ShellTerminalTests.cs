using Marconi.Tests.Client;

namespace Marconi.Tests.Cli;

/// <summary>`marconi shell` in a real terminal (tmux): tab completion, history recall with Up, persisted history, Ctrl-D, API commands on the real server.</summary>
public sealed class ShellTerminalTests(OurServerFixture server) : IClassFixture<OurServerFixture>
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

    [Fact]
    public async Task Commands_run_on_the_server_queue_names_tab_complete_json_is_pretty_and_up_recalls()
    {
        var project = "shell-" + Guid.NewGuid().ToString("N")[..12];
        var tag = Guid.NewGuid().ToString("N")[..8];
        var orders = $"tab{tag}-orders";
        using (var client = server.NewClient(project))
        {
            await client.Queue(orders).CreateAsync();
            await client.Queue("zz-other").CreateAsync();
        }

        var home = Directory.CreateTempSubdirectory("marconi-shell-home-").FullName;
        try
        {
            var command = $"HOME='{home}' MARCONI_URL='{server.BaseAddress.AbsoluteUri}' MARCONI_PROJECT='{project}' dotnet '{MarconiProcess.Dll}' shell; echo \"shell exited with $?\"; sleep 60";
            using var terminal = TmuxTerminal.Start(command);
            terminal.WaitFor("marconi> ");

            // A queue name created beforehand completes from the server; the command prints indented JSON.
            terminal.Type("queue stats tab");
            terminal.SendKeys("Tab");
            terminal.WaitFor($"marconi> queue stats {orders} ");
            terminal.SendKeys("Enter");
            var stats = terminal.WaitFor("\"total\": 0");
            Assert.Contains("{\n  \"messages\": {\n    \"free\": 0,\n    \"claimed\": 0,\n    \"total\": 0\n  }\n}", stats, StringComparison.Ordinal);

            // `use` completes too; then the queue may be left out of the commands.
            terminal.Type("use tab");
            terminal.SendKeys("Tab");
            terminal.WaitFor($"marconi> use {orders} ");
            terminal.SendKeys("Enter");
            terminal.WaitFor($"marconi:{orders}> ");
            terminal.Type("""post '{"from": "shell"}'""");
            terminal.SendKeys("Enter");
            terminal.WaitFor("\"ids\": [");
            terminal.Type("list");
            terminal.SendKeys("Enter");
            terminal.WaitFor("\"from\": \"shell\"");

            // Up recalls the last line; Enter runs it again.
            terminal.SendKeys("Up");
            terminal.WaitFor($"marconi:{orders}> list", occurrences: 2);
            terminal.SendKeys("Enter");
            terminal.WaitFor("\"from\": \"shell\"", occurrences: 2);

            // A queue created in the shell completes at once (the cached names are dropped after queue commands).
            terminal.Type($"queue create new{tag}");
            terminal.SendKeys("Enter");
            terminal.WaitFor("\"created\": true");
            terminal.Type("queue delete new");
            terminal.SendKeys("Tab");
            terminal.WaitFor($"queue delete new{tag} ");
            terminal.SendKeys("Enter");
            terminal.WaitFor($"\"deleted\": \"new{tag}\"");

            // An API error is one line on stderr; the shell goes on.
            terminal.Type("get nope-id");
            terminal.SendKeys("Enter");
            terminal.WaitFor("error: 404 ");

            terminal.SendKeys("C-d");
            terminal.WaitFor("shell exited with 0");
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }

        using var check = server.NewClient(project);
        Assert.Equal(1, (await check.Queue(orders).GetStatsAsync()).Total);
        Assert.DoesNotContain((await check.ListQueuesAsync()).Queues, q => q.Name == $"new{tag}");
    }
}
