using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Marconi.Tests.Http.Server;

public sealed class HttpServerTlsTests
{
    [Fact]
    public async Task Tls_serves_requests_through_SslStream()
    {
        using var certificate = CreateSelfSignedCertificate();
        await using var fixture = await ServerFixture.StartAsync(o => o with { ServerCertificate = certificate });
        await using var client = await fixture.ConnectAsync();

        var ssl = new SslStream(client.Stream, leaveInnerStreamOpen: false);
        using var cts = new CancellationTokenSource(RawHttpClient.Timeout);
        await ssl.AuthenticateAsClientAsync(
            new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,

                // The test trusts exactly the certificate it made.
                RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == certificate.GetCertHashString(),
            },
            cts.Token);
        client.UseStream(ssl);

        await client.SendAsync("POST /secure HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\nhi");
        Assert.Equal("POST /secure?|hi", (await client.ReadResponseAsync()).Text);
        await client.SendAsync("GET /again HTTP/1.1\r\nHost: localhost\r\n\r\n");
        Assert.Equal("GET /again?|", (await client.ReadResponseAsync()).Text);
    }

    [Fact]
    public async Task Plain_http_on_the_tls_port_gets_a_400_and_a_close_and_tls_clients_still_work()
    {
        using var certificate = CreateSelfSignedCertificate();
        await using var fixture = await ServerFixture.StartAsync(o => o with { ServerCertificate = certificate });
        await using (var plain = await fixture.ConnectAsync())
        {
            await plain.SendAsync("GET /v2/ping HTTP/1.1\r\nHost: localhost\r\n\r\n");
            var answer = await plain.ReadResponseAsync();
            Assert.Equal(400, answer.Status);
            Assert.Equal("close", answer.Header("Connection"));
            Assert.Contains("plain HTTP request was sent to the HTTPS port", answer.Text, StringComparison.Ordinal);
            Assert.True(await plain.IsClosedAsync());
        }

        // Bytes that are neither HTTP nor TLS fail the handshake: the connection is closed with no answer.
        await using (var garbage = await fixture.ConnectAsync())
        {
            await garbage.SendAsync("\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008");
            Assert.True(await garbage.IsClosedAsync());
        }

        await using var client = await fixture.ConnectAsync();
        var ssl = new SslStream(client.Stream, leaveInnerStreamOpen: false);
        using var cts = new CancellationTokenSource(RawHttpClient.Timeout);
        await ssl.AuthenticateAsClientAsync(
            new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == certificate.GetCertHashString(),
            },
            cts.Token);
        client.UseStream(ssl);
        await client.SendAsync("GET /after HTTP/1.1\r\nHost: localhost\r\n\r\n");
        Assert.Equal("GET /after?|", (await client.ReadResponseAsync()).Text);
    }

    private static X509Certificate2 CreateSelfSignedCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));

        // Round-trip through PKCS#12 so the key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
    }
}
