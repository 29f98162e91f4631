using Microsoft.Extensions.Logging;

namespace Marconi.Storage.Faster.Journal;

/// <summary>Keeps the thread pool's minimum high enough for FASTER's local device.</summary>
/// <remarks>
/// On Linux the local device performs blocking (O_SYNC) writes on thread-pool threads. With the default minimum the
/// pool grows slowly, and the first seconds under load were measured starving: commits and their waiters queued
/// behind blocked writes. Raising the minimum lets the pool inject threads at once.
/// </remarks>
internal static class ThreadPoolMinimum
{
    /// <summary>Threads per core the pool should be allowed to create without delay.</summary>
    private const int ThreadsPerCore = 4;

    /// <summary>Raises (never lowers) the pool minimum to <see cref="ThreadsPerCore"/> threads per core.</summary>
    public static void Ensure(ILogger logger)
    {
        var target = ThreadsPerCore * Environment.ProcessorCount;
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        if (workers >= target && completionPorts >= target)
        {
            return;
        }

        var newWorkers = Math.Max(workers, target);
        var newCompletionPorts = Math.Max(completionPorts, target);
        if (ThreadPool.SetMinThreads(newWorkers, newCompletionPorts))
        {
            JournalLog.ThreadPoolRaised(logger, newWorkers, newCompletionPorts);
        }
    }
}
