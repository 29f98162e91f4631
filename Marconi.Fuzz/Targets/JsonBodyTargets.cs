using System.Text.Json;
using Marconi.Core;
using Marconi.Core.Errors;
using Marconi.Core.Model;
using Marconi.Core.Validation;
using Marconi.Http.Api;

namespace Marconi.Fuzz.Targets;

/// <summary>
/// The JSON request-body parsers of the API, called the way their endpoints call them (well-formedness first, then
/// the parser, then the engine's own validation of what it parsed). Their documented refusals are
/// <see cref="ApiException"/> (the API's 4xx answers) and <see cref="QueueException"/> (the engine's validation).
/// </summary>
internal static class JsonBodyTargets
{
    private const string QueuePath = "/v2/queues/fuzz";

    private static readonly QueueLimits Limits = QueueLimits.Default;
    private static readonly QueueMetadata CurrentMetadata = MetadataDocument.Parse("""{"_max_messages_post_size": 65536, "color": "blue", "nested": {"a": [1, 2]}}"""u8.ToArray(), Limits);
    private static readonly ShareEndpoint SignedShare = new("fuzz-secret", TimeProvider.System);
    private static readonly ShareEndpoint UnsignedShare = new(null, TimeProvider.System);

    public static FuzzTarget Messages { get; } = new("messages", "POST /messages body (v2 with delay, v1.1 without)", input => Refusals(input, PostMessages));

    public static FuzzTarget Claims { get; } = new("claims", "POST/PATCH /claims body (ttl, grace)", input => Refusals(input, ClaimTimes));

    public static FuzzTarget Metadata { get; } = new("metadata", "PUT /queues/{q} metadata and PATCH JSON-patch body", input => Refusals(input, PutMetadata, PatchMetadata));

    public static FuzzTarget Subscriptions { get; } = new("subscriptions", "POST/PATCH /subscriptions body and the confirm body", input => Refusals(input, SubscriptionDocument, Confirm));

    public static FuzzTarget SharePurge { get; } = new("share-purge", "POST /share (pre-signed URL) and POST /purge bodies", input => Refusals(input, Share, Purge));

    /// <summary>Runs each parser over the input, letting only the documented refusals pass.</summary>
    private static void Refusals(ReadOnlyMemory<byte> input, params Action<ReadOnlyMemory<byte>>[] parsers)
    {
        foreach (var parse in parsers)
        {
            try
            {
                parse(input);
            }
            catch (ApiException)
            {
            }
            catch (QueueException)
            {
            }
        }
    }

    private static void PostMessages(ReadOnlyMemory<byte> body)
    {
        foreach (var withDelay in (ReadOnlySpan<bool>)[true, false])
        {
            if (body.IsEmpty)
            {
                return;
            }

            RequestBody.EnsureWellFormed(body);
            var messages = RequestBody.Parse(body, b => MessagesEndpoint.ParseMessages(b, withDelay));
            foreach (var message in messages)
            {
                // What the engine checks of each message before it is stored: the body is one JSON value.
                JsonValues.ValidateSingleValue(message.Body.Span, "body");
            }
        }
    }

    private static void ClaimTimes(ReadOnlyMemory<byte> body)
    {
        ClaimsEndpoint.ParseTimes(body, required: false);
        ClaimsEndpoint.ParseTimes(body, required: true);
    }

    private static void PutMetadata(ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty)
        {
            return;
        }

        RequestBody.EnsureWellFormed(body);
        if (QueuesEndpoint.FirstToken(body) != JsonTokenType.StartObject)
        {
            throw RequestBody.DocumentTypeNotSupported();
        }

        var metadata = MetadataDocument.Parse(body, Limits);
        MetadataDocument.RenderEffective(metadata, Limits);
    }

    private static void PatchMetadata(ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty)
        {
            return;
        }

        RequestBody.EnsureWellFormed(body);
        var operations = RequestBody.Parse(body, QueuesEndpoint.ParsePatch);
        var patched = MetadataDocument.Patch(CurrentMetadata, operations, Limits);
        MetadataDocument.RenderEffective(patched, Limits);
    }

    private static void SubscriptionDocument(ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty)
        {
            return;
        }

        RequestBody.EnsureWellFormed(body);
        var document = RequestBody.Parse(body, SubscriptionsEndpoint.ParseDocument);

        // What the engine validates of a create or an update, in its order.
        if (document.Subscriber is not null)
        {
            SubscriptionRules.ValidateSubscriber(document.Subscriber, Limits);
        }

        if (document.Ttl is { } ttl)
        {
            SubscriptionRules.ValidateTtl(ttl, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), Limits);
        }

        if (document.Options is { } options)
        {
            SubscriptionRules.ValidateOptions(options, Limits);
        }
    }

    private static void Confirm(ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty)
        {
            return;
        }

        RequestBody.EnsureWellFormed(body);
        RequestBody.Parse(body, SubscriptionsEndpoint.ParseConfirmed);
    }

    private static void Share(ReadOnlyMemory<byte> body)
    {
        try
        {
            UnsignedShare.ParseRequest(body, QueuePath);
        }
        catch (ApiException)
        {
        }

        var (paths, methods, expires) = SignedShare.ParseRequest(body, QueuePath);
        SignedUrls.Create("fuzz-secret", paths, methods, "fuzz-project", expires);
    }

    private static void Purge(ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty)
        {
            return;
        }

        RequestBody.EnsureWellFormed(body);
        RequestBody.Parse(body, QueuesEndpoint.ParsePurge);
    }
}
