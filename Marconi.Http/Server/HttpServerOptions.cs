using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Marconi.Http.Server;

/// <summary>Where <see cref="HttpServer"/> listens and the limits it enforces on every connection.</summary>
/// <remarks>The defaults follow Kestrel's, so a client that works against Kestrel works here.</remarks>
public sealed record HttpServerOptions
{
    /// <summary>The endpoints to bind; port 0 picks a free port (see <see cref="HttpServer.BoundEndpoints"/>).</summary>
    public IReadOnlyList<IPEndPoint> Endpoints { get; init; } = [new IPEndPoint(IPAddress.Loopback, 8888)];

    /// <summary>Open connections allowed at once; connections over the cap are answered 503 (or, with TLS, closed) at once.</summary>
    public int MaxConnections { get; init; } = 10_000;

    /// <summary>How long a client may take to send a whole request head (request line and headers); slower clients are disconnected.</summary>
    public TimeSpan RequestHeadersTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a kept-alive connection may stay idle between requests.</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(130);

    /// <summary>The slowest body upload tolerated, in bytes per second (after <see cref="MinRequestBodyDataRateGracePeriod"/>); 0 disables the check.</summary>
    public double MinRequestBodyDataRate { get; init; } = 240;

    /// <summary>How long a body upload may run before <see cref="MinRequestBodyDataRate"/> applies.</summary>
    public TimeSpan MinRequestBodyDataRateGracePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest request line (method, target, version and CRLF) accepted; longer → 431.</summary>
    public int MaxRequestLineSize { get; init; } = 8 * 1024;

    /// <summary>The largest header block (all header lines with their CRLFs) accepted; larger → 431.</summary>
    public int MaxRequestHeadersTotalSize { get; init; } = 32 * 1024;

    /// <summary>The most header fields accepted; more → 431.</summary>
    public int MaxRequestHeaderCount { get; init; } = 100;

    /// <summary>The largest request body accepted, as sent and after gzip inflation; larger → 413.</summary>
    /// <remarks>The default covers the Zaqar API's largest document (256 KiB of messages) plus room for JSON framing.</remarks>
    public long MaxRequestBodySize { get; init; } = 262_144 + 8_192;

    /// <summary>The certificate to serve TLS 1.2/1.3 with (it must carry a private key), or null for plain HTTP.</summary>
    public X509Certificate2? ServerCertificate { get; init; }

    /// <summary>Checks the options and throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    internal void Validate()
    {
        if (Endpoints is null || Endpoints.Count == 0)
        {
            throw new ArgumentException("At least one endpoint is required.", nameof(Endpoints));
        }

        Require(MaxConnections > 0, nameof(MaxConnections));
        Require(RequestHeadersTimeout > TimeSpan.Zero, nameof(RequestHeadersTimeout));
        Require(KeepAliveTimeout > TimeSpan.Zero, nameof(KeepAliveTimeout));
        Require(MinRequestBodyDataRate >= 0, nameof(MinRequestBodyDataRate));
        Require(MinRequestBodyDataRateGracePeriod >= TimeSpan.Zero, nameof(MinRequestBodyDataRateGracePeriod));
        Require(MaxRequestLineSize >= 16, nameof(MaxRequestLineSize));
        Require(MaxRequestHeadersTotalSize >= 16, nameof(MaxRequestHeadersTotalSize));
        Require(MaxRequestHeaderCount > 0, nameof(MaxRequestHeaderCount));
        Require(MaxRequestBodySize >= 0, nameof(MaxRequestBodySize));
        if (ServerCertificate is { HasPrivateKey: false })
        {
            throw new ArgumentException("The server certificate has no private key.", nameof(ServerCertificate));
        }

        static void Require(bool condition, string name)
        {
            if (!condition)
            {
                throw new ArgumentOutOfRangeException(name, $"{name} is out of range.");
            }
        }
    }
}
