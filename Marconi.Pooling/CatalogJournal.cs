using System.Text;
using System.Text.Json;

namespace Marconi.Pooling;

/// <summary>
/// The catalog's on-disk form: one JSON record per line, appended and flushed to the device before a change is
/// acknowledged. Replaying the lines rebuilds the catalog; a torn last line (a crash mid-append) is cut off.
/// </summary>
/// <remarks>
/// The catalog is its own small file rather than new record types in the default store's FASTER log: it changes rarely
/// (admin calls and queue creations on pools), must be readable before any pool store is opened, and keeping it out of
/// the log leaves the store's format and recovery untouched.
/// </remarks>
internal sealed class CatalogJournal : IDisposable
{
    private readonly FileStream _file;

    private CatalogJournal(FileStream file) => _file = file;

    /// <summary>Opens the journal in <paramref name="path"/>, passing each intact record to <paramref name="replay"/>.</summary>
    public static CatalogJournal Open(string path, Action<JsonElement> replay)
    {
        var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        var bytes = new byte[file.Length];
        file.ReadExactly(bytes);
        long intact = 0;
        var start = 0;
        while (start < bytes.Length)
        {
            var end = Array.IndexOf(bytes, (byte)'\n', start);
            if (end < 0 || !TryParse(bytes.AsMemory(start, end - start), out var record))
            {
                break;
            }

            replay(record);
            start = end + 1;
            intact = start;
        }

        file.SetLength(intact);
        file.Position = intact;
        return new CatalogJournal(file);
    }

    /// <summary>Appends one record and flushes it to the device.</summary>
    public void Append(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        _file.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
        _file.Flush(flushToDisk: true);
    }

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();

    private static bool TryParse(ReadOnlyMemory<byte> line, out JsonElement record)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            record = document.RootElement.Clone();
            return record.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            record = default;
            return false;
        }
    }

    /// <summary>The raw text of a JSON value, for options and capabilities kept as they were sent.</summary>
    public static string Raw(JsonElement value) => Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(value));
}
