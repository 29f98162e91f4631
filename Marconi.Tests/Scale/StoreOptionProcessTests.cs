using System.Diagnostics;
using Marconi.Tests.Support;

namespace Marconi.Tests.Scale;

/// <summary>The server binary's start-up with <c>--store</c>: a bad URI exits 2, an unreachable Redis exits 1 naming its address.</summary>
public sealed class StoreOptionProcessTests
{
    [Fact]
    public async Task A_bad_store_uri_exits_2_without_printing_the_password()
    {
        var (code, errors) = await RunToEndAsync("--store", "redis://127.0.0.1:6379,password=hunter2,nonsense=1");

        Assert.Equal(2, code);
        Assert.Contains("nonsense", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_redis_exits_1_naming_the_address()
    {
        // A port that was free a moment ago: nothing listens there.
        var port = GarnetTestServer.FreePort();
        var (code, errors) = await RunToEndAsync("--store", $"redis://127.0.0.1:{port},password=hunter2,connectTimeout=1000");

        Assert.Equal(1, code);
        Assert.Contains($"127.0.0.1:{port}", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", errors, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Errors)> RunToEndAsync(params string[] arguments)
    {
        using var directory = new TempDirectory("store-option");
        var start = RunningServer.StartInfo(["--listen", "127.0.0.1:0", "--data-dir", directory.Path, .. arguments], directory.Path);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        await output;
        return (process.ExitCode, await errors);
    }
}
