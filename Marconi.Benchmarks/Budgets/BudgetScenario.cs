namespace Marconi.Benchmarks.Budgets;

/// <summary>One budgeted hot path.</summary>
/// <param name="Name">The key in <c>budgets.json</c>.</param>
/// <param name="Operation">One operation; it may do several posts at once.</param>
/// <param name="PostsPerOperation">What the measured bytes are divided by, so every figure is per post or per request.</param>
/// <param name="Gated">False for a figure that depends on timing: printed, never failed on.</param>
internal readonly record struct BudgetScenario(string Name, Func<ValueTask> Operation, int PostsPerOperation = 1, bool Gated = true);
