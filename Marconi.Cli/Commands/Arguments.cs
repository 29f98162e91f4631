using System.CommandLine;

namespace Marconi.Cli.Commands;

/// <summary>Arguments and options several commands share. Each command gets its own instance (a symbol has one parent).</summary>
internal static class Arguments
{
    /// <summary>The name the shell's completer recognises as a queue name argument.</summary>
    public const string QueueName = "QUEUE";

    /// <summary>A queue name.</summary>
    public static Argument<string> Queue() => new(QueueName) { Description = "Queue name" };

    /// <summary>A claim id.</summary>
    public static Argument<string> ClaimId() => new("CLAIM") { Description = "Claim id" };

    /// <summary>A page size.</summary>
    public static Option<int?> Limit(string description) => new("--limit", "-n") { Description = description };

    /// <summary>Where the previous page ended (its "next").</summary>
    public static Option<string?> Marker() => new("--marker") { Description = "Start after this marker (the \"next\" of the previous page)" };

    /// <summary>Seconds to live.</summary>
    public static Option<int?> Ttl(string description) => new("--ttl") { Description = description };

    /// <summary>A claim's grace seconds.</summary>
    public static Option<int?> Grace() => new("--grace") { Description = "Seconds added to the claimed messages' lives beyond the claim (60-43200; default 60)" };
}
