using Marconi.Server;
using Marconi.Tests.Support;

namespace Marconi.Tests.Server;

/// <summary>The adminMode and pooling switches: flag over environment over config file over off; bad values exit 2.</summary>
public sealed class PoolingSettingsTests : IDisposable
{
    private readonly TempDirectory _directory = new("pooling-settings");
    private readonly Dictionary<string, string> _environment = [];

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Both_are_off_by_default_and_printed()
    {
        var settings = Load();
        Assert.False(settings.AdminMode);
        Assert.False(settings.Pooling);
        Assert.Contains("\"adminMode\": false", ConfigPrinter.Render(settings), StringComparison.Ordinal);
        Assert.Contains("\"pooling\": false", ConfigPrinter.Render(settings), StringComparison.Ordinal);
    }

    [Fact]
    public void Flag_wins_over_environment_which_wins_over_the_file()
    {
        var config = Path.Combine(_directory.Path, "c.json");
        File.WriteAllText(config, """{"adminMode": true, "pooling": true}""");
        var fromFile = Load("--config", config);
        Assert.True(fromFile.AdminMode);
        Assert.True(fromFile.Pooling);
        Assert.Contains("\"adminMode\": true", ConfigPrinter.Render(fromFile), StringComparison.Ordinal);

        _environment[SettingsLoader.AdminModeVariable] = "off";
        _environment[SettingsLoader.PoolingVariable] = "OFF";
        var fromEnvironment = Load("--config", config);
        Assert.False(fromEnvironment.AdminMode);
        Assert.False(fromEnvironment.Pooling);

        var fromFlags = Load("--config", config, "--admin-mode", "on", "--pooling=true");
        Assert.True(fromFlags.AdminMode);
        Assert.True(fromFlags.Pooling);

        // The printed config loads back to the same switches.
        var printed = Path.Combine(_directory.Path, "printed.json");
        File.WriteAllText(printed, ConfigPrinter.Render(fromFlags));
        _environment.Clear();
        var reloaded = Load("--config", printed);
        Assert.True(reloaded.AdminMode);
        Assert.True(reloaded.Pooling);
    }

    [Fact]
    public void Bad_values_are_rejected_naming_the_option()
    {
        Assert.Contains("--admin-mode", Assert.Throws<SettingsException>(() => Load("--admin-mode", "yes please")).Message, StringComparison.Ordinal);
        _environment[SettingsLoader.PoolingVariable] = "2";
        Assert.Contains(SettingsLoader.PoolingVariable, Assert.Throws<SettingsException>(() => Load()).Message, StringComparison.Ordinal);
        _environment.Clear();
        var config = Path.Combine(_directory.Path, "bad.json");
        File.WriteAllText(config, """{"pooling": "on"}""");
        Assert.Contains("'pooling'", Assert.Throws<SettingsException>(() => Load("--config", config)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_help_describes_both()
    {
        var help = Usage.Text();
        Assert.Contains("--pooling on|off", help, StringComparison.Ordinal);
        Assert.Contains("--admin-mode on|off", help, StringComparison.Ordinal);
        Assert.Contains(SettingsLoader.AdminModeVariable, help, StringComparison.Ordinal);
    }

    private ServerSettings Load(params string[] args) => SettingsLoader.Load(args, name => _environment.GetValueOrDefault(name));
}
