namespace Marconi.Crash;

/// <summary>Finds the server binary built next to this tool in the repository.</summary>
internal static class ServerLocator
{
    private const string ServerDll = "marconi-server.dll";

    /// <summary>
    /// <c>Marconi.Server/bin/&lt;configuration&gt;/net10.0/marconi-server.dll</c> in the first directory above
    /// <paramref name="start"/> that holds Marconi.sln; the configuration this tool (or test) was built in first, then
    /// Release, then Debug. Null when none exists.
    /// </summary>
    public static string? Find(string start)
    {
        var here = new DirectoryInfo(start.TrimEnd(Path.DirectorySeparatorChar));
        // bin/<configuration>/<tfm>: the configuration is the directory above the target framework's.
        var ownConfiguration = here.Parent?.Name;
        for (var directory = here; directory is not null; directory = directory.Parent)
        {
            if (!File.Exists(Path.Combine(directory.FullName, "Marconi.sln")))
            {
                continue;
            }

            foreach (var configuration in new[] { ownConfiguration, "Release", "Debug" })
            {
                if (configuration is null)
                {
                    continue;
                }

                var candidate = Path.Combine(directory.FullName, "Marconi.Server", "bin", configuration, "net10.0", ServerDll);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            return null;
        }

        return null;
    }
}
