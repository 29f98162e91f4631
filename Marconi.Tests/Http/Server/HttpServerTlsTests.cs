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
