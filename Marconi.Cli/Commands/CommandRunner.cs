using System.CommandLine;
using System.Text.Json;
using Marconi.Cli.Shell;
using Marconi.Client;

namespace Marconi.Cli.Commands;

/// <summary>What an API command's action gets: the parsed line, the client it asked for, and the cancellation.</summary>
internal sealed record Invocation(ParseResult Parse, MarconiClient Client, CancellationToken Cancellation)
{
    /// <summary>The value of <paramref name="argument"/> (required arguments always have one after a clean parse).</summary>
    public T Get<T>(Argument<T> argument) => Parse.GetValue(argument)!;

    /// <summary>The value of <paramref name="option"/>, or its default.</summary>
    public T? Get<T>(Option<T> option) => Parse.GetValue(option);
}

/// <summary>
/// Runs an API command: builds the client, calls the action, prints the JSON it returns (indented, coloured on a
/// terminal; one line with --json), and turns failures into an exit code and one line on stderr: 1 for an API or
/// connection error, 2 for unusable input.
/// </summary>
internal static class CommandRunner
{
    /// <summary>Exit code of an API or connection error.</summary>
    public const int ApiError = 1;

    /// <summary>Makes <paramref name="command"/> run <paramref name="action"/>, which returns compact JSON to print or null for nothing.</summary>
    public static Command Runs(this Command command, Func<Invocation, Task<string?>> action)
    {
        command.SetAction((parse, cancellation) => RunAsync(parse, action, cancellation));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, Func<Invocation, Task<string?>> action, CancellationToken cancellation)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        try
        {
            using var client = ClientFactory.Create(parse);
            var json = await action(new Invocation(parse, client, cancellation)).ConfigureAwait(false);
            if (json is not null)
            {
                output.WriteLine(parse.GetValue(GlobalOptions.Json) ? json : JsonPrinter.Format(json, colour: UseColour(output)));
            }

            return 0;
        }
        catch (UsageException usage)
        {
            error.WriteLine("error: " + usage.Message);
            return CliApp.UsageError;
        }
        catch (MarconiApiException api)
        {
            error.WriteLine(string.IsNullOrEmpty(api.Description)
                ? $"error: {(int)api.Status} {api.Title}"
                : $"error: {(int)api.Status} {api.Title}: {api.Description}");
            return ApiError;
        }
        catch (HttpRequestException connection)
        {
            error.WriteLine($"error: cannot reach {parse.GetValue(GlobalOptions.Url)}: {connection.Message}");
            return ApiError;
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            error.WriteLine($"error: {parse.GetValue(GlobalOptions.Url)} did not answer in time");
            return ApiError;
        }
        catch (JsonException answer)
        {
            error.WriteLine($"error: the server's answer is not the JSON this command expects: {answer.Message}");
            return ApiError;
        }
    }

    /// <summary>Colours only on a terminal, and never when NO_COLOR is set (https://no-color.org).</summary>
    private static bool UseColour(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
}
