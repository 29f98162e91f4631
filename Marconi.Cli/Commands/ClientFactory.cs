using System.CommandLine;
using System.Text.Json;
using Marconi.Client;

namespace Marconi.Cli.Commands;

/// <summary>Makes the <see cref="MarconiClient"/> a command runs on, from the global options (and their environment defaults).</summary>
internal static class ClientFactory
{
    /// <summary>The client the parsed command line asks for; <see cref="UsageException"/> when its options do not make one.</summary>
    public static MarconiClient Create(ParseResult parse, RetryPolicy? retry = null) => new(Options(parse, retry));

    private static MarconiClientOptions Options(ParseResult parse, RetryPolicy? retry)
    {
        var urlText = parse.GetValue(GlobalOptions.Url)!;
        if (!Uri.TryCreate(urlText, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"--url '{urlText}' is not an http:// or https:// URL.");
        }

        var project = parse.GetValue(GlobalOptions.Project);
        SignedUrl? signedUrl = null;
        if (parse.GetValue(GlobalOptions.SignedUrlFile) is { } file)
        {
            signedUrl = ReadSignedUrl(file);
            project ??= signedUrl.Project;
        }

        if (string.IsNullOrEmpty(project))
        {
            throw new UsageException("No project: pass --project or set MARCONI_PROJECT.");
        }

        var clientId = parse.GetValue(GlobalOptions.ClientId);
        if (clientId is null && Environment.GetEnvironmentVariable("MARCONI_CLIENT_ID") is { Length: > 0 } fromEnvironment)
        {
            throw new UsageException($"MARCONI_CLIENT_ID '{fromEnvironment}' is not a UUID.");
        }

        return new MarconiClientOptions
        {
            BaseAddress = url,
            ProjectId = project,
            ClientId = clientId ?? Guid.NewGuid(),
            AuthToken = parse.GetValue(GlobalOptions.Token) ?? NonEmpty(Environment.GetEnvironmentVariable("MARCONI_TOKEN")),
            SignedUrl = signedUrl,
            Retry = retry ?? new RetryPolicy(),
        };
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static SignedUrl ReadSignedUrl(string file)
    {
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--signed-url: cannot read '{file}': {e.Message}");
        }

        try
        {
            return SignedUrl.FromJson(text);
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new UsageException($"--signed-url: '{file}' is not what `marconi share` prints: {e.Message}");
        }
    }
}
