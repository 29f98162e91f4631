using System.Globalization;
using System.Text.Json;

namespace Marconi.Benchmarks.Budgets;

/// <summary>
/// <c>budgets [--check] [--operations N]</c>: measures the bytes allocated per operation on the hot paths (whole
/// process: server, engine, store and their background threads; the client allocates nothing) and, with
/// <c>--check</c>, fails when a scenario allocates more than its budget in <c>budgets.json</c>.
/// </summary>
/// <remarks>
/// Allocation counts do not depend on the machine's speed or load the way timings do, which is what makes them fit
/// for a CI gate. Budgets are ceilings: lower them when an allocation is removed, never raise them to let one in.
/// </remarks>
public static class BudgetsCommand
{
    private const int WarmupOperations = 500;

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var check = false;
        var operations = 3000;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--check":
                    check = true;
                    break;
                case "--operations" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out operations) && operations > 0:
                    i++;
                    break;
                default:
                    await Console.Error.WriteLineAsync($"budgets: unknown or bad argument '{args[i]}'. Usage: budgets [--check] [--operations N]");
                    return 2;
            }
        }

        var budgets = LoadBudgets();
        var failures = 0;
        await using var scenarios = await BudgetScenarios.OpenAsync();
        Console.WriteLine("| scenario | bytes/op | budget | |");
        Console.WriteLine("|---|---:|---:|---|");
        foreach (var (name, operation) in scenarios.All)
        {
            var perOperation = await MeasureAsync(operation, operations);
            var budget = budgets.GetValueOrDefault(name, -1);
            var verdict = budget < 0 ? "no budget" : perOperation <= budget ? "ok" : "OVER BUDGET";
            failures += verdict == "ok" ? 0 : 1;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {perOperation:N0} | {(budget < 0 ? "-" : budget.ToString("N0", CultureInfo.InvariantCulture))} | {verdict} |"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"budgets: {scenarios.All.Count} scenarios, {failures} over budget or without one ({operations} operations each)"));
        return check && failures > 0 ? 1 : 0;
    }

    private static async Task<long> MeasureAsync(Func<ValueTask> operation, int operations)
    {
        for (var i = 0; i < WarmupOperations; i++)
        {
            await operation();
        }

        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < operations; i++)
        {
            await operation();
        }

        return (GC.GetTotalAllocatedBytes(precise: true) - before) / operations;
    }

    private static Dictionary<string, long> LoadBudgets()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Budgets", "budgets.json");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        var budgets = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.GetProperty("bytesPerOperation").EnumerateObject())
        {
            budgets[property.Name] = property.Value.GetInt64();
        }

        return budgets;
    }
}
