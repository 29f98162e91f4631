namespace Marconi.Server;

/// <summary>A bad command-line option, environment variable or config file: reported on stderr, exit code 2.</summary>
internal sealed class SettingsException : Exception
{
    public SettingsException(string message)
        : base(message)
    {
    }

    public SettingsException()
    {
    }

    public SettingsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
