using System.Globalization;
using System.Net;
using System.Text;

namespace Marconi.Client;

/// <summary>Messages and claims.</summary>
public sealed partial class QueueClient
{
    /// <summary>
    /// Posts <paramref name="messages"/> (creating the queue) and returns their ids in order. Retried on 503 and on a
    /// refused connection only: after a connection lost mid-request the post may have been committed, and a retry
    /// would post the messages twice.
    /// </summary>
    public async Task<IReadOnlyList<string>> PostAsync(IEnumerable<NewMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var body = JsonBody.Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("messages");
            foreach (var message in messages)
            {
                writer.WriteStartObject();
                writer.WritePropertyName("body");
                message.Body.WriteTo(writer);
                if (message.Ttl is { } ttl)
                {
                    writer.WriteNumber("ttl", ttl);
                }

                if (message.Delay is { } delay)
                {
                    writer.WriteNumber("delay", delay);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
        using var answer = await _transport.SendAsync(HttpMethod.Post, _path + "/messages", body, null, idempotent: false, cancellationToken).ConfigureAwait(false);
        var resources = answer.Root.GetProperty("resources");
        var ids = new List<string>(resources.GetArrayLength());
        foreach (var href in resources.EnumerateArray())
        {
            ids.Add(ModelReader.LastSegment(href.GetString()!));
        }

        return ids;
    }

    /// <summary>One page of messages, oldest first.</summary>
    public async Task<MessagePage> ListMessagesAsync(MessageListOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new MessageListOptions();
        var query = new StringBuilder(_path).Append("/messages?echo=").Append(options.Echo ? "true" : "false")
            .Append("&include_claimed=").Append(options.IncludeClaimed ? "true" : "false")
            .Append("&include_delayed=").Append(options.IncludeDelayed ? "true" : "false");
        if (options.Limit is { } limit)
        {
            query.Append("&limit=").Append(limit.ToString(CultureInfo.InvariantCulture));
        }

        if (options.Marker is { } marker)
        {
            query.Append("&marker=").Append(Uri.EscapeDataString(marker));
        }

        using var answer = await _transport.SendAsync(HttpMethod.Get, query.ToString(), null, null, idempotent: true, cancellationToken).ConfigureAwait(false);
        if (answer.Body is null)
        {
            return new MessagePage([], null);
        }

        var messages = ModelReader.Messages(answer.Root.GetProperty("messages"));
        return new MessagePage(messages, ModelReader.NextMarker(answer.Root, messages.Count));
    }

    /// <summary>The message <paramref name="id"/>; <see cref="MarconiNotFoundException"/> when it does not exist.</summary>
    public async Task<Message> GetMessageAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        using var answer = await _transport.SendAsync(HttpMethod.Get, _path + "/messages/" + Uri.EscapeDataString(id), null, null, idempotent: true, cancellationToken).ConfigureAwait(false);
        return ModelReader.Message(answer.Root);
    }

    /// <summary>The messages among <paramref name="ids"/> (at most 20) that exist; <see cref="MarconiNotFoundException"/> when none does.</summary>
    public async Task<IReadOnlyList<Message>> GetMessagesAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        using var answer = await _transport.SendAsync(HttpMethod.Get, _path + "/messages?ids=" + Ids(ids), null, null, idempotent: true, cancellationToken).ConfigureAwait(false);
        return ModelReader.Messages(answer.Root.GetProperty("messages"));
    }

    /// <summary>
    /// Deletes the message <paramref name="id"/> (succeeds when it does not exist). A claimed message needs the
    /// holding <paramref name="claimId"/>: without it the server answers 403, with a wrong or expired one 400.
    /// </summary>
    public async Task DeleteMessageAsync(string id, string? claimId = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var path = _path + "/messages/" + Uri.EscapeDataString(id) + (claimId is null ? string.Empty : "?claim_id=" + Uri.EscapeDataString(claimId));
        using var answer = await _transport.SendAsync(HttpMethod.Delete, path, null, null, idempotent: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the messages among <paramref name="ids"/> (at most 20) that exist.</summary>
    public async Task DeleteMessagesAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        using var answer = await _transport.SendAsync(HttpMethod.Delete, _path + "/messages?ids=" + Ids(ids), null, null, idempotent: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes and returns up to <paramref name="count"/> (1–20) free messages. Not retried after a lost connection (the popped messages would be lost to this caller).</summary>
    public async Task<IReadOnlyList<Message>> PopAsync(int count, CancellationToken cancellationToken = default)
    {
        var path = _path + "/messages?pop=" + count.ToString(CultureInfo.InvariantCulture);
        using var answer = await _transport.SendAsync(HttpMethod.Delete, path, null, null, idempotent: false, cancellationToken).ConfigureAwait(false);
        return answer.Body is null ? [] : ModelReader.Messages(answer.Root.GetProperty("messages"));
    }

    /// <summary>
    /// Claims up to <paramref name="limit"/> (1–20) free messages for <paramref name="ttl"/> seconds, extending their
    /// lives by at least ttl + <paramref name="grace"/>; null when there is nothing to claim. Not retried after a
    /// lost connection: the first claim may have been made, and its messages would stay hidden until it expires.
    /// </summary>
    public async Task<Claim?> ClaimAsync(int ttl = 300, int grace = 60, int? limit = null, CancellationToken cancellationToken = default)
    {
        var path = _path + "/claims" + (limit is { } l ? "?limit=" + l.ToString(CultureInfo.InvariantCulture) : string.Empty);
        using var answer = await _transport.SendAsync(HttpMethod.Post, path, TtlGrace(ttl, grace), null, idempotent: false, cancellationToken).ConfigureAwait(false);
        if (answer.Status == HttpStatusCode.NoContent || answer.Body is null)
        {
            return null;
        }

        var messages = ModelReader.Messages(answer.Root.GetProperty("messages"));
        return messages.Count == 0 ? null : new Claim(messages[0].ClaimId!, ttl, 0, messages);
    }

    /// <summary>The claim <paramref name="claimId"/> and the messages it still holds; <see cref="MarconiNotFoundException"/> when it expired or never was.</summary>
    public async Task<Claim> GetClaimAsync(string claimId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(claimId);
        using var answer = await _transport.SendAsync(HttpMethod.Get, ClaimPath(claimId), null, null, idempotent: true, cancellationToken).ConfigureAwait(false);
        var root = answer.Root;
        return new Claim(claimId, root.GetProperty("ttl").GetInt32(), root.GetProperty("age").GetInt32(), ModelReader.Messages(root.GetProperty("messages")));
    }

    /// <summary>Restarts the claim's clock with a new <paramref name="ttl"/> and <paramref name="grace"/>; <see cref="MarconiNotFoundException"/> when it expired.</summary>
    public async Task RenewClaimAsync(string claimId, int ttl, int grace = 60, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(claimId);
        using var answer = await _transport.SendAsync(HttpMethod.Patch, ClaimPath(claimId), TtlGrace(ttl, grace), "application/json", idempotent: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Releases the claim: its messages become free again (succeeds when it does not exist).</summary>
    public async Task ReleaseClaimAsync(string claimId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(claimId);
        using var answer = await _transport.SendAsync(HttpMethod.Delete, ClaimPath(claimId), null, null, idempotent: true, cancellationToken).ConfigureAwait(false);
    }

    private static byte[] TtlGrace(int ttl, int grace) => JsonBody.Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteNumber("ttl", ttl);
        writer.WriteNumber("grace", grace);
        writer.WriteEndObject();
    });

    private string ClaimPath(string claimId) => _path + "/claims/" + Uri.EscapeDataString(claimId);
}
