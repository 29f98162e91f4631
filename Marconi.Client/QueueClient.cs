using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Marconi.Client;

/// <summary>The operations on one queue. Cheap to make; holds no state beyond the name.</summary>
public sealed partial class QueueClient
{
    private const string JsonPatchType = "application/openstack-messaging-v2.0-json-patch";
    private readonly ApiTransport _transport;
    private readonly string _path;

    internal QueueClient(MarconiClient client, string name)
    {
        Client = client;
        Name = name;
        _transport = client.Transport;
        _path = "/queues/" + Uri.EscapeDataString(name);
    }

    /// <summary>The client this handle belongs to.</summary>
    public MarconiClient Client { get; }

    /// <summary>The queue name.</summary>
    public string Name { get; }

    /// <summary>Creates the queue with <paramref name="metadata"/>; true when it was created, false when it existed (201 / 204).</summary>
    public async Task<bool> CreateAsync(IReadOnlyDictionary<string, JsonElement>? metadata = null, CancellationToken cancellationToken = default)
    {
        var body = metadata is null ? null : JsonBody.Object(metadata);
        using var answer = await _transport.SendAsync(HttpMethod.Put, _path, body, null, idempotent: true, cancellationToken).ConfigureAwait(false);
        return answer.Status == HttpStatusCode.Created;
    }

    /// <summary>Deletes the queue and its messages (succeeds when it does not exist).</summary>
    public async Task DeleteAsync(CancellationToken cancellationToken = default)
    {
        using var answer = await _transport.SendAsync(HttpMethod.Delete, _path, null, null, idempotent: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The queue's metadata, reserved keys filled in with their defaults.</summary>
    public async Task<QueueMetadata> GetMetadataAsync(CancellationToken cancellationToken = default)
    {
        using var answer = await _transport.SendAsync(HttpMethod.Get, _path, null, null, idempotent: true, cancellationToken).ConfigureAwait(false);
        return QueueMetadata.Read(answer.Root);
    }

    /// <summary>
    /// Applies JSON-patch operations to the metadata and returns the result. Not retried after a lost connection
    /// (a replayed <c>remove</c> would answer 409); a <c>replace</c> or <c>remove</c> of a missing key throws
    /// <see cref="MarconiConflictException"/>.
    /// </summary>
    public async Task<QueueMetadata> PatchMetadataAsync(IEnumerable<MetadataPatch> operations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        var body = JsonBody.Write(writer =>
        {
            writer.WriteStartArray();
            foreach (var operation in operations)
            {
                writer.WriteStartObject();
                writer.WriteString("op", operation.Op);
                writer.WriteString("path", "/metadata/" + operation.Key);
                if (operation.Value is { } value)
                {
                    writer.WritePropertyName("value");
                    value.WriteTo(writer);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        });
        using var answer = await _transport.SendAsync(HttpMethod.Patch, _path, body, JsonPatchType, idempotent: false, cancellationToken).ConfigureAwait(false);
        return QueueMetadata.Read(answer.Root);
    }

    /// <summary>The queue's message counts.</summary>
    public async Task<QueueStats> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        using var answer = await _transport.SendAsync(HttpMethod.Get, _path + "/stats", null, null, idempotent: true, cancellationToken).ConfigureAwait(false);
        var messages = answer.Root.GetProperty("messages");
        return new QueueStats(
            messages.GetProperty("free").GetInt64(),
            messages.GetProperty("claimed").GetInt64(),
            messages.GetProperty("total").GetInt64(),
            ModelReader.AgeInfo(messages, "oldest"),
            ModelReader.AgeInfo(messages, "newest"));
    }

    /// <summary>Deletes all messages (and subscriptions) of the queue, keeping the queue and its metadata.</summary>
    public async Task PurgeAsync(CancellationToken cancellationToken = default)
    {
        var body = """{"resource_types":["messages","subscriptions"]}"""u8.ToArray();
        using var answer = await _transport.SendAsync(HttpMethod.Post, _path + "/purge", body, null, idempotent: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Asks the server to sign a URL for this queue: <paramref name="paths"/> among <c>messages</c>, <c>claims</c>,
    /// <c>subscriptions</c>; <paramref name="methods"/> such as GET, POST; valid until <paramref name="expires"/>.
    /// Pass the result as <see cref="MarconiClientOptions.SignedUrl"/> to act under it.
    /// </summary>
    public async Task<SignedUrl> ShareAsync(IReadOnlyList<string> paths, IReadOnlyList<string> methods, DateTimeOffset expires, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(methods);
        var body = JsonBody.Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("paths");
            foreach (var path in paths)
            {
                writer.WriteStringValue(path);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("methods");
            foreach (var method in methods)
            {
                writer.WriteStringValue(method);
            }

            writer.WriteEndArray();
            writer.WriteString("expires", expires.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture));
            writer.WriteEndObject();
        });
        using var answer = await _transport.SendAsync(HttpMethod.Post, _path + "/share", body, null, idempotent: true, cancellationToken).ConfigureAwait(false);
        var root = answer.Root;
        return new SignedUrl(
            root.GetProperty("project").GetString()!,
            ModelReader.Strings(root.GetProperty("paths")),
            ModelReader.Strings(root.GetProperty("methods")),
            root.GetProperty("expires").GetString()!,
            root.GetProperty("signature").GetString()!);
    }

    private static string Ids(IEnumerable<string> ids)
    {
        var text = new StringBuilder();
        foreach (var id in ids)
        {
            text.Append(text.Length == 0 ? string.Empty : ",").Append(Uri.EscapeDataString(id));
        }

        return text.ToString();
    }
}
