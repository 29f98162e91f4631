namespace Marconi.Http.Server;

/// <summary>The method tokens as shared strings, so parsing a request line makes no string for a known method.</summary>
internal static class HttpMethods
{
    public const string Get = "GET";
    public const string Head = "HEAD";
    public const string Post = "POST";
    public const string Put = "PUT";
    public const string Patch = "PATCH";
    public const string Delete = "DELETE";
    public const string Options = "OPTIONS";

    /// <summary>The shared string of a known method (case-sensitive, as methods are), else a new one.</summary>
    public static string Intern(ReadOnlySpan<byte> token) => token switch
    {
        _ when token.SequenceEqual("GET"u8) => Get,
        _ when token.SequenceEqual("POST"u8) => Post,
        _ when token.SequenceEqual("DELETE"u8) => Delete,
        _ when token.SequenceEqual("PUT"u8) => Put,
        _ when token.SequenceEqual("PATCH"u8) => Patch,
        _ when token.SequenceEqual("HEAD"u8) => Head,
        _ when token.SequenceEqual("OPTIONS"u8) => Options,
        _ => System.Text.Encoding.ASCII.GetString(token),
    };
}
