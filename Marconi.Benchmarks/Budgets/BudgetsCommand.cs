using System.Globalization;
using System.Text.Json;

namespace Marconi.Benchmarks.Budgets;

/// <summary>
/// <c>budgets [--check] [--operations N] [--scenario NAME] [--types]</c>: measures the bytes allocated per operation on
/// the hot paths (whole process: server, engine, store and their background threads; the client allocates nothing)
/// and, with <c>--check</c>, fails when a scenario allocates more than its budget in <c>budgets.json</c>.
/// <c>--types</c> also prints, per scenario, the types the runtime's allocation samples named (one sample per ~100 KB).
/// </summary>
/// <remarks>
/// Allocation counts do not depend on the machine's speed or load the way timings do, which is what makes them fit
/// for a CI gate. Budgets are ceilings: lower them when an allocation is removed, never raise them to let one in.
/// </remarks>
public static class BudgetsCommand
{
    private const int WarmupOperations = 500;
    private const int Rounds = 3;

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var check = false;
        var types = false;
        string? only = null;
        var operations = 3000;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--check":
                    check = true;
                    break;
                case "--types":
                    types = true;
                    break;
                case "--scenario" when i + 1 < args.Length:
                    only = args[++i];
                    break;
                case "--operations" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out operations) && operations > 0:
                    i++;
                    break;
                default:
                    await Console.Error.WriteLineAsync($"budgets: unknown or bad argument '{args[i]}'. Usage: budgets [--check] [--operations N] [--scenario NAME] [--types]");
                    return 2;
            }
        }

        var budgets = LoadBudgets();
        var failures = 0;
        await using var scenarios = await BudgetScenarios.OpenAsync();
        Console.WriteLine("| scenario | bytes/op | budget | |");
        Console.WriteLine("|---|---:|---:|---|");
        var selected = scenarios.All.Where(scenario => only is null || scenario.Name == only).ToList();
        if (selected.Count == 0)
        {
            await Console.Error.WriteLineAsync($"budgets: no scenario '{only}'; they are: {string.Join(", ", scenarios.All.Select(scenario => scenario.Name))}");
            return 2;
        }

        var samples = new List<(string Name, IReadOnlyList<KeyValuePair<string, long>> ByType)>();
        foreach (var (name, operation, perOperationCount, gated) in selected)
        {
            using var sampler = types ? new AllocationSampler() : null;
            var perOperation = await MeasureAsync(operation, WarmupOperations / perOperationCount, operations / perOperationCount, sampler) / perOperationCount;
            if (sampler is not null)
            {
                samples.Add((name, sampler.Stop()));
            }

            var budget = gated ? budgets.GetValueOrDefault(name, -1) : -1;
            var verdict = !gated ? "shown (timing-dependent)" : budget < 0 ? "no budget" : perOperation <= budget ? "ok" : "OVER BUDGET";
            failures += !gated || verdict == "ok" ? 0 : 1;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {perOperation:N0} | {(budget < 0 ? "-" : budget.ToString("N0", CultureInfo.InvariantCulture))} | {verdict} |"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"budgets: {selected.Count} scenarios, {failures} over budget or without one ({operations} operations each)"));
        foreach (var (name, byType) in samples)
        {
            Console.WriteLine($"{name}: sampled allocations by type (bytes per operation, estimated)");
            foreach (var (type, bytes) in byType.Take(25))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {bytes / (double)operations,8:F0}  {type}"));
            }
        }

        return check && failures > 0 ? 1 : 0;
    }

    /// <summary>
    /// Bytes per operation: the least of <see cref="Rounds"/> equal rounds, so a background burst (a maintenance tick,
    /// a checkpoint) that lands in one round does not count as the operation's own cost.
    /// </summary>
    private static async Task<long> MeasureAsync(Func<ValueTask> operation, int warmups, int operations, AllocationSampler? sampler)
    {
        for (var i = 0; i < warmups; i++)
        {
            await operation();
        }

        sampler?.Start();
        var perRound = Math.Max(1, operations / Rounds);
        var least = long.MaxValue;
        for (var round = 0; round < Rounds; round++)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            for (var i = 0; i < perRound; i++)
            {
                await operation();
            }

            least = Math.Min(least, (GC.GetTotalAllocatedBytes(precise: true) - before) / perRound);
        }

        return least;
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
