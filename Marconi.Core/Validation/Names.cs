using Marconi.Core.Errors;

namespace Marconi.Core.Validation;

/// <summary>Rules for queue names and project ids.</summary>
public static class Names
{
    /// <summary>True when <paramref name="name"/> matches <c>^[a-zA-Z0-9_.-]{1,max}$</c>.</summary>
    public static bool IsValidQueueName(ReadOnlySpan<char> name, int maxLength)
    {
        if (name.IsEmpty || name.Length > maxLength)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_' && c != '.' && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Throws invalid-argument unless the queue name is valid.</summary>
    public static void ValidateQueueName(string? name, QueueLimits limits, string field = "queue_name")
    {
        if (name is null || !IsValidQueueName(name, limits.MaxQueueNameLength))
        {
            ThrowHelper.InvalidArgument(
                field,
                $"Queue names may not be more than {limits.MaxQueueNameLength} characters long, and may only contain ASCII letters, digits, underscores, dashes and dots.");
        }
    }

    /// <summary>Throws invalid-argument unless the project id is 1 to the limit's characters of printable ASCII.</summary>
    public static void ValidateProject(string? project, QueueLimits limits)
    {
        if (string.IsNullOrEmpty(project) || project.Length > limits.MaxProjectIdLength)
        {
            ThrowHelper.InvalidArgument("project", $"The project id must be 1 to {limits.MaxProjectIdLength} characters long.");
        }

        foreach (var c in project)
        {
            if (c < 0x21 || c > 0x7E)
            {
                ThrowHelper.InvalidArgument("project", "The project id may only contain printable ASCII characters without spaces.");
            }
        }
    }
}
