using BenchmarkDotNet.Running;
using Marconi.Benchmarks.Budgets;
using Marconi.Benchmarks.Figures;

namespace Marconi.Benchmarks;

/// <summary>
/// Entry point. <c>figures [--messages N] [--seconds S]</c> prints the side-by-side figures table
/// (<see cref="FiguresCommand"/>); <c>budgets [--check]</c> measures allocations per hot-path operation against their
/// budgets (<see cref="BudgetsCommand"/>); anything else goes to BenchmarkDotNet, e.g.
/// <c>dotnet run -c Release --project Marconi.Benchmarks -- --filter '*BodyCodec*'</c>.
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

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
