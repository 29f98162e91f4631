using Marconi.Crash;

CrashOptions options;
try
{
    options = CrashOptions.Parse(args);
}
catch (UsageException e)
{
    await Console.Error.WriteLineAsync("marconi-crash: " + e.Message);
    return 2;
}

if (options.Help)
{
    Console.Write(CrashOptions.Usage);
    return 0;
}

var server = options.Server ?? ServerLocator.Find(AppContext.BaseDirectory);
if (server is null || !File.Exists(server))
{
    await Console.Error.WriteLineAsync(
        $"marconi-crash: no server binary {(server is null ? "found next to this tool (build Marconi.Server first, or give --server)" : "at " + server)}");
    return 2;
}

string dataDir;
var temporary = options.DataDir is null;
if (temporary)
{
    dataDir = Directory.CreateTempSubdirectory("marconi-crash-").FullName;
}
else
{
    dataDir = Path.GetFullPath(options.DataDir!);
    if (Directory.Exists(dataDir) && Directory.EnumerateFileSystemEntries(dataDir).Any())
    {
        // The ledger starts empty: messages already in the directory would all look like phantoms.
        await Console.Error.WriteLineAsync($"marconi-crash: --data-dir {dataDir} is not empty; the campaign needs a fresh directory");
        return 2;
    }

    Directory.CreateDirectory(dataDir);
}

var campaign = new Campaign(options, Path.GetFullPath(server), dataDir, Console.Error);
var result = await campaign.RunAsync();
if (!result.Passed)
{
    foreach (var line in result.Findings.Details.Take(50))
    {
        await Console.Error.WriteLineAsync("  " + line);
    }
}

if (temporary && !options.Keep && result.Passed)
{
    Directory.Delete(dataDir, recursive: true);
}
else
{
    await Console.Error.WriteLineAsync($"data directory kept: {dataDir}");
}

Console.WriteLine(result.Summary());
return result.Passed ? 0 : 1;
