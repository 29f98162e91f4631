using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Marconi.Client;

/// <summary>Subscriptions: where the server pushes the queue's new messages (http(s) webhooks, mailto).</summary>
public sealed partial class QueueClient
{
    /// <summary>
    /// Subscribes <paramref name="subscriber"/> (an <c>http(s)://</c> or <c>mailto:</c> URI) for <paramref name="ttl"/>
    /// seconds and returns the subscription id. Subscriptions are unique by subscriber: subscribing an unconfirmed one
    /// again returns the same id, a confirmed one throws <see cref="MarconiConflictException"/>; so a replay after a
    /// lost connection is harmless and the call is retried like the idempotent ones.
    /// </summary>
    public async Task<string> CreateSubscriptionAsync(string subscriber, int ttl, IReadOnlyDictionary<string, JsonElement>? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subscriber);
        var body = SubscriptionBody(subscriber, ttl, options);
        using var answer = await _transport.SendAsync(HttpMethod.Post, _path + "/subscriptions", body, null, idempotent: true, cancellationToken).ConfigureAwait(false);
        return answer.Root.GetProperty("subscription_id").GetString()!;
    }

    /// <summary>One page of the queue's subscriptions.</summary>
    public async Task<SubscriptionPage> ListSubscriptionsAsync(int? limit = null, string? marker = null, CancellationToken cancellationToken = default)
    {
        var query = new StringBuilder(_path).Append("/subscriptions");
        var separator = '?';
        if (limit is { } l)
        {
            query.Append(separator).Append("limit=").Append(l.ToString(CultureInfo.InvariantCulture));
            separator = '&';
        }

        if (marker is not null)
        {
            query.Append(separator).Append("marker=").Append(Uri.EscapeDataString(marker));
        }

        using var answer = await _transport.SendAsync(HttpMethod.Get, query.ToString(), null, null, idempotent: true, cancellationToken).ConfigureAwait(false);
        if (answer.Body is null)
        {
            return new SubscriptionPage([], null);
        }

        var array = answer.Root.GetProperty("subscriptions");
        var subscriptions = new List<Subscription>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            subscriptions.Add(ModelReader.Subscription(item));
        }

        return new SubscriptionPage(subscriptions, ModelReader.NextMarker(answer.Root, subscriptions.Count));
    }

    /// <summary>The subscription <paramref name="id"/>; <see cref="MarconiNotFoundException"/> when it does not exist or expired.</summary>
    public async Task<Subscription> GetSubscriptionAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        using var answer = await _transport.SendAsync(HttpMethod.Get, SubscriptionPath(id), null, null, idempotent: true, cancellationToken).ConfigureAwait(false);
        return ModelReader.Subscription(answer.Root);
    }

    /// <summary>
    /// Changes what is given of the subscriber, ttl (which restarts the subscription's age) and options (replaced
    /// whole); at least one must be given. <see cref="MarconiNotFoundException"/> when the subscription does not exist.
    /// </summary>
    public async Task UpdateSubscriptionAsync(string id, string? subscriber = null, int? ttl = null, IReadOnlyDictionary<string, JsonElement>? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (subscriber is null && ttl is null && options is null)
        {
            throw new ArgumentException("Give at least one of subscriber, ttl and options to change.", nameof(subscriber));
        }

        var body = SubscriptionBody(subscriber, ttl, options);
        using var answer = await _transport.SendAsync(HttpMethod.Patch, SubscriptionPath(id), body, "application/json", idempotent: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Marks the subscription confirmed (or not), as the subscriber's confirmation link does.</summary>
    public async Task ConfirmSubscriptionAsync(string id, bool confirmed = true, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var body = JsonBody.Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteBoolean("confirmed", confirmed);
            writer.WriteEndObject();
        });
        using var answer = await _transport.SendAsync(HttpMethod.Put, SubscriptionPath(id) + "/confirm", body, null, idempotent: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the subscription (succeeds when it does not exist).</summary>
    public async Task DeleteSubscriptionAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        using var answer = await _transport.SendAsync(HttpMethod.Delete, SubscriptionPath(id), null, null, idempotent: true, cancellationToken).ConfigureAwait(false);
    }

    private static byte[] SubscriptionBody(string? subscriber, int? ttl, IReadOnlyDictionary<string, JsonElement>? options) => JsonBody.Write(writer =>
    {
        writer.WriteStartObject();
        if (subscriber is not null)
        {
            writer.WriteString("subscriber", subscriber);
        }

        if (ttl is { } seconds)
        {
            writer.WriteNumber("ttl", seconds);
        }

        if (options is not null)
        {
            writer.WritePropertyName("options");
            writer.WriteStartObject();
            foreach (var (key, value) in options)
            {
                writer.WritePropertyName(key);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    });

    private string SubscriptionPath(string id) => _path + "/subscriptions/" + Uri.EscapeDataString(id);
}
