using BenchmarkDotNet.Running;
using Marconi.Benchmarks.Budgets;
using Marconi.Benchmarks.Ceiling;
using Marconi.Benchmarks.Figures;
using Marconi.Benchmarks.Memory;
using Marconi.Benchmarks.Scaling;
using Marconi.Benchmarks.Soak;

namespace Marconi.Benchmarks;

/// <summary>
/// Entry point. <c>figures [--messages N] [--seconds S]</c> prints the side-by-side figures table
/// (<see cref="FiguresCommand"/>); <c>budgets [--check]</c> measures allocations per hot-path operation against their
/// budgets (<see cref="BudgetsCommand"/>); <c>echo --listen HOST:PORT [--seconds N]</c> runs the bare HTTP/1.1 echo
/// server, the machine's HTTP ceiling (<see cref="EchoCommand"/>; <c>echo --smoke</c> checks it); <c>scaling</c>
/// compares operation costs at two queue depths and two queue counts (<see cref="ScalingCommand"/>); <c>memory</c>
/// measures the server's resident memory and start-up on a store of a million messages (<see cref="MemoryCommand"/>);
/// <c>soak [--seconds 300]</c> runs the mixed load at half its peak and checks that memory, disk and latency stay
/// flat (<see cref="SoakCommand"/>); anything else goes to BenchmarkDotNet, e.g. <c>dotnet run -c Release --project Marconi.Benchmarks -- --filter '*BodyCodec*'</c>.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length > 0 && args[0] == "figures")
        {
            return await FiguresCommand.RunAsync(args.AsSpan(1).ToArray());
        }

        if (args.Length > 0 && args[0] == "budgets")
        {
            return await BudgetsCommand.RunAsync(args.AsSpan(1).ToArray());
        }

        if (args.Length > 0 && args[0] == "echo")
        {
            return await EchoCommand.RunAsync(args.AsSpan(1).ToArray());
        }

        if (args.Length > 0 && args[0] == "scaling")
        {
            return await ScalingCommand.RunAsync(args.AsSpan(1).ToArray());
        }

        if (args.Length > 0 && args[0] == "memory")
        {
            return await MemoryCommand.RunAsync(args.AsSpan(1).ToArray());
        }

        if (args.Length > 0 && args[0] == "soak")
        {
            return await SoakCommand.RunAsync(args.AsSpan(1).ToArray());
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
