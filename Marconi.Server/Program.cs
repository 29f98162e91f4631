using Marconi.Server;

ServerSettings settings;
try
{
    settings = SettingsLoader.Load(args, Environment.GetEnvironmentVariable);
}
catch (SettingsException ex)
{
    await Console.Error.WriteLineAsync($"marconi-server: {ex.Message}");
    return 2;
}

if (settings.ShowHelp)
{
    Console.WriteLine(Usage.Text());
    return 0;
}

if (settings.PrintConfig)
{
    Console.WriteLine(ConfigPrinter.Render(settings));
    return 0;
}

return await ServerHost.RunAsync(settings);
