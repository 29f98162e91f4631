using System.CommandLine;

namespace Marconi.Cli.Commands;

/// <summary>The options every command takes (recursive on the root), with their environment defaults.</summary>
internal static class GlobalOptions
{
    /// <summary>The server's base URL (env MARCONI_URL).</summary>
    public static readonly Option<string> Url = new("--url")
    {
        Description = "Base URL of the server (env MARCONI_URL; default http://127.0.0.1:8888)",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MARCONI_URL") ?? "http://127.0.0.1:8888",
    };

    /// <summary>The project (tenant), sent as X-Project-ID (env MARCONI_PROJECT).</summary>
    public static readonly Option<string?> Project = new("--project")
    {
        Description = "Project, sent as X-Project-ID (env MARCONI_PROJECT)",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MARCONI_PROJECT"),
    };

    /// <summary>The Client-ID UUID (env MARCONI_CLIENT_ID); a fresh one per command when not given.</summary>
    public static readonly Option<Guid?> ClientId = new("--client-id")
    {
        Description = "Client-ID, a UUID (env MARCONI_CLIENT_ID; a new one per command when not given)",
        Recursive = true,
        DefaultValueFactory = _ => Guid.TryParse(Environment.GetEnvironmentVariable("MARCONI_CLIENT_ID"), out var id) ? id : null,
    };

    /// <summary>
    /// The Keystone token, sent as X-Auth-Token (env MARCONI_TOKEN, read by <see cref="ClientFactory"/>: a default
    /// value factory would print the secret in --help).
    /// </summary>
    public static readonly Option<string?> Token = new("--token")
    {
        Description = "Keystone token, sent as X-Auth-Token (env MARCONI_TOKEN)",
        Recursive = true,
    };

    /// <summary>A file holding what `marconi share` printed: act under that signed URL (env MARCONI_SIGNED_URL).</summary>
    public static readonly Option<string?> SignedUrlFile = new("--signed-url")
    {
        Description = "File with the JSON `marconi share` prints: act under that signed URL, in its project (env MARCONI_SIGNED_URL)",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MARCONI_SIGNED_URL"),
    };

    /// <summary>Machine output: compact JSON, no colours.</summary>
    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Machine output: compact JSON on one line, no colours",
        Recursive = true,
    };

    /// <summary>Adds every global option to <paramref name="root"/>.</summary>
    public static void AddTo(RootCommand root)
    {
        root.Options.Add(Url);
        root.Options.Add(Project);
        root.Options.Add(ClientId);
        root.Options.Add(Token);
        root.Options.Add(SignedUrlFile);
        root.Options.Add(Json);
    }
}
