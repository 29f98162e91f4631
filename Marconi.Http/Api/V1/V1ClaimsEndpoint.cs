using Marconi.Core;
using Marconi.Core.Model;

namespace Marconi.Http.Api.V1;

/// <summary>The v1 claim requests that differ from v1.1/v2 in more than shape: creating and renewing.</summary>
internal sealed class V1ClaimsEndpoint
{
    private readonly QueueEngine _engine;

    public V1ClaimsEndpoint(QueueEngine engine) => _engine = engine;

    /// <summary>
    /// POST /v1/queues/{q}/claims[?limit=] with <c>{"ttl", "grace"}</c> (both required): 201 with a bare array of
    /// the claimed messages and a Location, 204 when nothing was claimed.
    /// </summary>
    public async ValueTask CreateAsync(ApiContext context)
    {
        var limit = context.Query.GetInt("limit");
        var (ttl, grace) = ClaimsEndpoint.ParseTimes(context.Request.Body, required: true);
        var options = new ClaimOptions(limit, ttl ?? throw MissingField("ttl"), grace ?? throw MissingField("grace"));
        var claim = await _engine.ClaimMessagesAsync(context.Project, context.Queue, options, context.CancellationToken).ConfigureAwait(false);
        if (claim is null || claim.Messages.Count == 0)
        {
            context.Response.StatusCode = 204;
            return;
        }

        context.Response.StatusCode = 201;
        context.Response.AddHeader("Location", context.QueuePath + "/claims/" + claim.ClaimId);
        var writer = JsonResponse.Start(context.Response);
        MessageJson.WriteItems(writer, context, claim.Messages, claim.ClaimId);
    }

    /// <summary>PATCH /v1/queues/{q}/claims/{c} with <c>{"ttl"}</c> (required) and an optional <c>grace</c>: 204; 404 when missing or expired.</summary>
    public async ValueTask UpdateAsync(ApiContext context)
    {
        var (ttl, grace) = ClaimsEndpoint.ParseTimes(context.Request.Body, required: true);
        if (ttl is null)
        {
            throw MissingField("ttl");
        }

        // Zaqar's v1 renews with grace 0 when none is given and never range-checks it; the engine keeps a grace in
        // its range, so the nearest allowed one is used (messages then live at least as long as asked).
        var limits = _engine.Limits;
        var renewedGrace = Math.Clamp(grace ?? 0, limits.MinClaimGrace, limits.MaxClaimGrace);
        await _engine.UpdateClaimAsync(context.Project, context.Queue, context.ResourceId, ttl, renewedGrace, context.CancellationToken).ConfigureAwait(false);
        context.Response.StatusCode = 204;
    }

    private static ApiException MissingField(string name) => ApiException.BadBody($"Missing \"{name}\" field.");
}
