using System.Text.Json;
using Marconi.Core;
using Marconi.Core.Model;

namespace Marconi.Http.Api;

/// <summary>Claims: create, read, renew, release.</summary>
internal sealed class ClaimsEndpoint
{
    private readonly QueueEngine _engine;

    public ClaimsEndpoint(QueueEngine engine) => _engine = engine;

    /// <summary>POST /queues/{q}/claims[?limit=]: 201 with the claimed messages and a Location, 204 when nothing was claimed.</summary>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask CreateAsync(ApiContext context)
    {
        var limit = context.Query.GetInt("limit");
        var (ttl, grace) = ParseTimes(context.Request.Body, required: false);
        var claim = await _engine.ClaimMessagesAsync(context.Project, context.Queue, new ClaimOptions(limit, ttl, grace), context.CancellationToken).ConfigureAwait(false);
        if (claim is null || claim.Messages.Count == 0)
        {
            context.Response.StatusCode = 204;
            return;
        }

        context.Response.StatusCode = 201;
        context.Response.AddHeader("Location", context.QueuePath + "/claims/" + claim.ClaimId);
        var writer = JsonResponse.Start(context.Response);
        writer.WriteStartObject();
        MessageJson.WriteArray(writer, context, claim.Messages, claim.ClaimId);
        writer.WriteEndObject();
    }

    /// <summary>GET /queues/{q}/claims/{c}: 200 <c>{"age", "ttl", "href", "messages"}</c>; 404 when missing or expired.</summary>
    public async ValueTask GetAsync(ApiContext context)
    {
        var claim = await _engine.GetClaimAsync(context.Project, context.Queue, context.ResourceId, context.CancellationToken).ConfigureAwait(false);
        if (context.IsV1)
        {
            context.Response.AddHeader("Content-Location", context.RelativeUri);
        }

        var writer = JsonResponse.Start(context.Response);
        writer.WriteStartObject();
        writer.WriteNumber("age", claim.Age);
        writer.WriteNumber("ttl", claim.Ttl);
        MessageJson.WriteArray(writer, context, claim.Messages, claim.ClaimId);
        writer.WriteString("href", context.QueuePath + "/claims/" + claim.ClaimId);
        writer.WriteEndObject();
    }

    /// <summary>PATCH /queues/{q}/claims/{c} <c>{"ttl", "grace"}</c>: 204; 404 when missing or expired.</summary>
    public async ValueTask UpdateAsync(ApiContext context)
    {
        var (ttl, grace) = ParseTimes(context.Request.Body, required: true);
        await _engine.UpdateClaimAsync(context.Project, context.Queue, context.ResourceId, ttl, grace, context.CancellationToken).ConfigureAwait(false);
        context.Response.StatusCode = 204;
    }

    /// <summary>DELETE /queues/{q}/claims/{c}: 204, also when it did not exist.</summary>
    public async ValueTask DeleteAsync(ApiContext context)
    {
        await _engine.ReleaseClaimAsync(context.Project, context.Queue, context.ResourceId, context.CancellationToken).ConfigureAwait(false);
        context.Response.StatusCode = 204;
    }

    /// <summary>The <c>ttl</c> and <c>grace</c> of a claim body (each null when absent); an empty body is a 400 when <paramref name="required"/>.</summary>
    public static (int? Ttl, int? Grace) ParseTimes(ReadOnlyMemory<byte> body, bool required)
    {
        if (body.IsEmpty)
        {
            return required ? throw RequestBody.EmptyBody() : (null, null);
        }

        RequestBody.EnsureWellFormed(body);
        return RequestBody.Parse(body, static b =>
        {
            var reader = RequestBody.Reader(b);
            RequestBody.ReadStart(ref reader, JsonTokenType.StartObject);
            int? ttl = null;
            int? grace = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("ttl"u8))
                {
                    RequestBody.ReadValue(ref reader);
                    ttl = RequestBody.Int(ref reader, "ttl");
                }
                else if (reader.ValueTextEquals("grace"u8))
                {
                    RequestBody.ReadValue(ref reader);
                    grace = RequestBody.Int(ref reader, "grace");
                }
                else
                {
                    RequestBody.ReadValue(ref reader);
                    reader.Skip();
                }
            }

            return (ttl, grace);
        });
    }
}
