using Marconi.Load;

namespace Marconi.Tests.Load;

/// <summary>The load tool's command line: defaults, bounds, and the loopback-only rule for --url.</summary>
public sealed class LoadOptionsTests
{
    [Fact]
    public void Defaults_follow_the_documented_values()
    {
        var options = LoadOptions.Parse([]);
        Assert.Equal(new Uri("http://127.0.0.1:8888/"), options.Url);
        Assert.Equal((1, 0, 0), (options.Producers, options.Consumers, options.Observers));
        Assert.Equal(1024, options.MessageSize);
        Assert.Equal(1, options.Batch);
        Assert.Equal(5, options.ClaimLimit);
        Assert.Equal(1, options.Queues);
        Assert.Equal(10, options.DurationSeconds);
        Assert.Equal(2, options.WarmupSeconds);
        Assert.Equal(5_000_000, options.MaxRequests);
        Assert.Equal("load", options.Project);
        Assert.False(options.Json);
    }

    [Fact]
    public void Options_are_parsed()
    {
        var options = LoadOptions.Parse(
            ["--url", "http://localhost:8890", "--producers", "8", "--consumers", "4", "--observers", "2", "--message-size", "256",
             "--batch", "10", "--claim-limit", "20", "--queues", "3", "--duration", "5.5", "--warmup", "0", "--max-requests", "1_000",
             "--project", "p1", "--json"]);
        Assert.Equal(new Uri("http://localhost:8890/"), options.Url);
        Assert.Equal(14, options.Workers);
        Assert.Equal((256, 10, 20, 3), (options.MessageSize, options.Batch, options.ClaimLimit, options.Queues));
        Assert.Equal((5.5, 0.0, 1000L), (options.DurationSeconds, options.WarmupSeconds, options.MaxRequests));
        Assert.Equal("p1", options.Project);
        Assert.True(options.Json);
    }

    [Fact]
    public void Url_is_repeatable_and_takes_a_comma_list_without_duplicates()
    {
        var options = LoadOptions.Parse(["--url", "http://127.0.0.1:1,http://127.0.0.1:2", "--url", "http://localhost:3/base"]);
        Assert.Equal([new Uri("http://127.0.0.1:1/"), new Uri("http://127.0.0.1:2/"), new Uri("http://localhost:3/base/")], options.Urls);
        Assert.Equal(new Uri("http://127.0.0.1:1/"), options.Url);

        Assert.Contains("given twice", Assert.Throws<UsageException>(() => LoadOptions.Parse(["--url", "http://127.0.0.1:1", "--url", "http://127.0.0.1:1/"])).Message, StringComparison.Ordinal);
        Assert.Contains("loopback", Assert.Throws<UsageException>(() => LoadOptions.Parse(["--url", "http://127.0.0.1:1,http://10.0.0.1:2"])).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8888")]
    [InlineData("http://127.1.2.3:80/prefix")]
    [InlineData("http://[::1]:8888")]
    [InlineData("http://LOCALHOST:8888")]
    [InlineData("https://localhost")]
    public void Loopback_urls_are_accepted(string url) => Assert.True(LoadOptions.ParseUrl(url).IsAbsoluteUri);

    [Theory]
    [InlineData("http://10.0.0.1:8888")]
    [InlineData("http://192.168.1.10")]
    [InlineData("http://128.0.0.1")]
    [InlineData("http://[::2]:8888")]
    [InlineData("http://[::ffff:10.0.0.1]")]
    [InlineData("http://example.com")]
    [InlineData("http://localhost.example.com")]
    [InlineData("http://0.0.0.0:8888")]
    [InlineData("ftp://127.0.0.1")]
    [InlineData("127.0.0.1:8888")]
    public void Other_hosts_are_refused(string url)
    {
        var error = Assert.Throws<UsageException>(() => LoadOptions.Parse(["--url", url]));
        Assert.Contains("--url", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--producers", "-1")]
    [InlineData("--producers", "x")]
    [InlineData("--batch", "0")]
    [InlineData("--duration", "0")]
    [InlineData("--max-requests", "0")]
    [InlineData("--bogus", "1")]
    public void Bad_values_are_refused(string name, string value) =>
        Assert.Throws<UsageException>(() => LoadOptions.Parse([name, value]));

    [Fact]
    public void A_run_needs_a_worker() =>
        Assert.Throws<UsageException>(() => LoadOptions.Parse(["--producers", "0"]));
}
