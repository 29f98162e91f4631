namespace Marconi.Http.Server;

/// <summary>
/// Tells a plain-HTTP request that reached the TLS port from a TLS client hello by its first byte, so it can be answered
/// with a readable 400 (as nginx does) instead of a handshake failure the client shows as "empty reply".
/// </summary>
internal static class PlainHttpOnTlsPort
{
    /// <summary>The answer's description; the status is 400 and the connection is closed after it.</summary>
    public const string Description = "The plain HTTP request was sent to the HTTPS port: use https://.";

    // A TLS connection opens with a handshake record (content type 22); SSL 2.0-style hellos (high bit set) are refused
    // by SslStream anyway.
    private const byte TlsHandshakeRecord = 0x16;

    /// <summary>True when the first byte opens an HTTP request line: a method token, which is upper-case ASCII in practice.</summary>
    public static bool LooksLikePlainHttp(byte first) => first != TlsHandshakeRecord && first is >= (byte)'A' and <= (byte)'Z';
}
