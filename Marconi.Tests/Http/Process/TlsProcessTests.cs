using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Marconi.Tests.Http.Process;

/// <summary>
/// HTTPS end to end: the server binary with a certificate from a CA made for the test, driven by curl and by the real
/// python-zaqarclient (interop/zaqarclient_tls.py), trusting that CA only; plain HTTP to the TLS port is refused with
/// a 400 and the server keeps serving TLS.
/// </summary>
public sealed partial class TlsProcessTests
{
    private const string Headers = "Client-ID: 3381af92-2b9e-11e3-b191-28cfe91478b9";
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Curl_and_zaqarclient_talk_https_with_the_ca_and_plain_http_is_refused()
    {
        var directory = Directory.CreateTempSubdirectory("marconi-tls-").FullName;
        System.Diagnostics.Process? server = null;
        try
        {
            var certificates = TlsCertificates.Create(directory);
            var data = Directory.CreateDirectory(Path.Combine(directory, "data")).FullName;
            (server, var url) = await StartServerAsync(data, certificates);
            var port = new Uri(url).Port;
            string[] project = ["-H", Headers, "-H", "X-Project-ID: tls-curl"];

            var (pingCode, pingOut, pingErr) = await RunAsync("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", certificates.CaFile, .. project, url + "/v2/ping"]);
            Assert.True(pingCode == 0, pingErr);
            Assert.Equal("204", pingOut);

            var (postCode, postOut, postErr) = await RunAsync("curl",
                ["-sS", "-w", "\n%{http_code}", "--cacert", certificates.CaFile, .. project, "-H", "Content-Type: application/json",
                 "-d", """{"messages":[{"body":{"over":"tls"},"ttl":300}]}""", url + "/v2/queues/secure/messages"]);
            Assert.True(postCode == 0, postErr);
            Assert.EndsWith("\n201", postOut, StringComparison.Ordinal);

            // By name too: the certificate names localhost as well as 127.0.0.1.
            var (listCode, listOut, listErr) = await RunAsync("curl",
                ["-sS", "--cacert", certificates.CaFile, .. project, $"https://localhost:{port}/v2/queues/secure/messages?echo=true"]);
            Assert.True(listCode == 0, listErr);
            Assert.Contains("\"over\":\"tls\"", listOut.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);

            // Without the CA, curl has only the system store and must refuse the certificate (exit 60: peer certificate not trusted).
            var (untrustedCode, _, untrustedErr) = await RunAsync("curl", ["-sS", "-o", "/dev/null", url + "/v2/ping"]);
            Assert.True(untrustedCode == 60, $"curl without the CA exited {untrustedCode}: {untrustedErr}");

            // Plain HTTP to the TLS port: a 400 in the clear that says why, then the connection is closed.
            var (plainCode, plainOut, plainErr) = await RunAsync("curl", ["-sS", "-i", .. project, $"http://127.0.0.1:{port}/v2/ping"]);
            Assert.True(plainCode == 0, plainErr);
            Assert.StartsWith("HTTP/1.1 400 ", plainOut, StringComparison.Ordinal);
            Assert.Contains("plain HTTP request was sent to the HTTPS port", plainOut, StringComparison.Ordinal);

            var script = Path.Combine(RepositoryRoot(), "interop", "zaqarclient_tls.py");
            var (pyCode, pyOut, pyErr) = await RunAsync("/usr/bin/python3", [script, url, certificates.CaFile]);
            Assert.True(pyCode == 0, pyOut + pyErr);
            Assert.Contains("5 passed, 0 failed", pyOut, StringComparison.Ordinal);

            // Still serving TLS after the refusals.
            var (afterCode, afterOut, afterErr) = await RunAsync("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", certificates.CaFile, .. project, url + "/v2/ping"]);
            Assert.True(afterCode == 0, afterErr);
            Assert.Equal("204", afterOut);
            Assert.False(server.HasExited);
        }
        finally
        {
            if (server is { HasExited: false })
            {
                server.Kill();
                await server.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(15)).Token);
            }

            server?.Dispose();
            Directory.Delete(directory, recursive: true);
        }
    }

    [GeneratedRegex(@"^Marconi listening on (https://127\.0\.0\.1:\d+)$")]
    private static partial Regex ListeningLine();

    private static string RepositoryRoot() =>
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Parent!.Parent!.Parent!.FullName;

    private static async Task<(System.Diagnostics.Process Process, string Url)> StartServerAsync(string data, TlsCertificates certificates)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var dll = Path.Combine(RepositoryRoot(), "Marconi.Server", "bin", configuration, "net10.0", "marconi-server.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = data };
        foreach (var argument in new[] { dll, "--listen", "127.0.0.1:0", "--data-dir", data, "--tls-cert", certificates.CertFile, "--tls-key", certificates.KeyFile })
        {
            start.ArgumentList.Add(argument);
        }

        var process = System.Diagnostics.Process.Start(start)!;
        var errors = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (errors) { errors.AppendLine(e.Data); } };
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(ToolTimeout);
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null)
            {
                lock (errors)
                {
                    throw new InvalidOperationException($"server exited before listening: {errors}");
                }
            }

            if (ListeningLine().Match(line) is { Success: true } match)
            {
                // Keep draining stdout so the server never blocks on a full pipe.
                _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                return (process, match.Groups[1].Value);
            }
        }
    }

    private static async Task<(int Code, string Output, string Errors)> RunAsync(string tool, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // curl and requests must see only the CA each step names, never one from the caller's environment.
        start.Environment.Remove("REQUESTS_CA_BUNDLE");
        start.Environment.Remove("CURL_CA_BUNDLE");
        start.Environment.Remove("SSL_CERT_FILE");
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ToolTimeout);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await errors);
    }
}
