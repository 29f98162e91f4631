using System.Text;

namespace Marconi.Http.Hosting;

/// <summary>
/// A parsed HTTP/1.1 request, its body complete (chunked bodies joined, gzip bodies inflated within the limits).
/// </summary>
/// <remarks>
/// The path, query and header fields live as characters in one buffer and are read as spans; a <see cref="string"/>
/// is made only when a caller asks for one (<see cref="Path"/>, <see cref="Query"/>, <see cref="GetHeader"/>,
/// <see cref="Headers"/>). The server reuses one request object per connection, so a handler must not keep the
/// request, or spans of it, after its <see cref="IHttpHandler.HandleAsync"/> has completed.
/// </remarks>
public sealed class HttpRequest
{
    private const int InitialChars = 512;
    private const int InitialFields = 16;

    private char[] _chars = new char[InitialChars];
    private int _length;
    private Field[] _fields = new Field[InitialFields];
    private int _fieldCount;
    private int _pathLength;
    private int _queryStart;
    private int _queryLength;
    private string? _path;
    private string? _query;
    private List<KeyValuePair<string, string>>? _headers;

    /// <summary>Creates a request (for hosting the API in-process and for tests).</summary>
    public HttpRequest(string method, string path, string query, IReadOnlyList<KeyValuePair<string, string>> headers, ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(headers);
        Method = method;
        Reset(method);
        Append(path);
        EndPath();
        Append(query);
        EndQuery();
        foreach (var (name, value) in headers)
        {
            var nameStart = _length;
            Append(name);
            var valueStart = _length;
            Append(value);
            EndField(nameStart, valueStart);
        }

        _path = path;
        _query = query;
        Body = body;
    }

    /// <summary>An empty request the server fills in place for each request of a connection.</summary>
    internal HttpRequest()
    {
        Method = string.Empty;
    }

    /// <summary>The method token, upper case as sent (GET, PUT, POST, PATCH, DELETE, HEAD, OPTIONS).</summary>
    public string Method { get; private set; }

    /// <summary>The path, percent-decoded, without the query (always starts with '/').</summary>
    public string Path => _path ??= new string(PathSpan);

    /// <summary>The path as characters, without making a string.</summary>
    public ReadOnlySpan<char> PathSpan => _chars.AsSpan(0, _pathLength);

    /// <summary>The raw query string without the leading '?', or empty.</summary>
    public string Query => _query ??= _queryLength == 0 ? string.Empty : new string(QuerySpan);

    /// <summary>The raw query as characters, without making a string.</summary>
    public ReadOnlySpan<char> QuerySpan => _chars.AsSpan(_queryStart, _queryLength);

    /// <summary>The raw query as memory (valid until the handler returns), for parsers that outlive a stack frame.</summary>
    internal ReadOnlyMemory<char> QueryMemory => _chars.AsMemory(_queryStart, _queryLength);

    /// <summary>The header fields in arrival order; names as sent (compare case-insensitively). Makes strings on first use.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers => _headers ??= MaterializeHeaders();

    /// <summary>The number of header fields.</summary>
    public int HeaderCount => _fieldCount;

    /// <summary>The body bytes (empty when none).</summary>
    public ReadOnlyMemory<byte> Body { get; internal set; }

    /// <summary>The name of header field <paramref name="index"/> (0 ≤ index &lt; <see cref="HeaderCount"/>).</summary>
    public ReadOnlySpan<char> HeaderName(int index) => _chars.AsSpan(FieldAt(index).NameStart, FieldAt(index).NameLength);

    /// <summary>The value of header field <paramref name="index"/> (0 ≤ index &lt; <see cref="HeaderCount"/>).</summary>
    public ReadOnlySpan<char> HeaderValue(int index) => _chars.AsSpan(FieldAt(index).ValueStart, FieldAt(index).ValueLength);

    /// <summary>The first header with this name (case-insensitive), or null. Makes a string; see <see cref="TryGetHeader"/>.</summary>
    public string? GetHeader(string name) => TryGetHeader(name, out var value) ? new string(value) : null;

    /// <summary>The value of the first header with this name (case-insensitive), without making a string.</summary>
    public bool TryGetHeader(string name, out ReadOnlySpan<char> value)
    {
        for (var i = 0; i < _fieldCount; i++)
        {
            ref readonly var field = ref _fields[i];
            if (_chars.AsSpan(field.NameStart, field.NameLength).Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                value = _chars.AsSpan(field.ValueStart, field.ValueLength);
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>Empties the request for the next one on the connection; the buffers are kept.</summary>
    internal void Reset(string method)
    {
        Method = method;
        _length = 0;
        _fieldCount = 0;
        _pathLength = 0;
        _queryStart = 0;
        _queryLength = 0;
        _path = null;
        _query = null;
        _headers = null;
        Body = ReadOnlyMemory<byte>.Empty;
    }

    /// <summary>Space for <paramref name="count"/> more characters at the end; commit what was written with <see cref="Advance"/>.</summary>
    internal Span<char> Reserve(int count)
    {
        if (_chars.Length - _length < count)
        {
            Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _length + count));
        }

        return _chars.AsSpan(_length, count);
    }

    internal void Advance(int count) => _length += count;

    /// <summary>Appends Latin-1 bytes (header values, the query) as characters.</summary>
    internal void AppendLatin1(ReadOnlySpan<byte> bytes) => Advance(Encoding.Latin1.GetChars(bytes, Reserve(bytes.Length)));

    /// <summary>What has been appended since the path started is the path; the query starts next.</summary>
    internal void EndPath()
    {
        _pathLength = _length;
        _queryStart = _length;
    }

    /// <summary>What has been appended since <see cref="EndPath"/> is the query; header fields follow.</summary>
    internal void EndQuery() => _queryLength = _length - _queryStart;

    /// <summary>Records a header field appended as name characters from <paramref name="nameStart"/>, value characters from <paramref name="valueStart"/>.</summary>
    internal void EndField(int nameStart, int valueStart)
    {
        if (_fieldCount == _fields.Length)
        {
            Array.Resize(ref _fields, _fields.Length * 2);
        }

        _fields[_fieldCount++] = new Field(nameStart, valueStart - nameStart, valueStart, _length - valueStart);
    }

    /// <summary>The number of characters appended so far (where the next field starts).</summary>
    internal int Length => _length;

    /// <summary>The characters appended from <paramref name="start"/> on.</summary>
    internal ReadOnlySpan<char> CharsFrom(int start) => _chars.AsSpan(start, _length - start);

    private void Append(ReadOnlySpan<char> text)
    {
        text.CopyTo(Reserve(text.Length));
        Advance(text.Length);
    }

    private ref readonly Field FieldAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _fieldCount);
        return ref _fields[index];
    }

    private List<KeyValuePair<string, string>> MaterializeHeaders()
    {
        var headers = new List<KeyValuePair<string, string>>(_fieldCount);
        for (var i = 0; i < _fieldCount; i++)
        {
            headers.Add(new(new string(HeaderName(i)), new string(HeaderValue(i))));
        }

        return headers;
    }

    private readonly record struct Field(int NameStart, int NameLength, int ValueStart, int ValueLength);
}
