using Marconi.Core;
using Marconi.Core.Errors;
using Marconi.Http.Api.Routing;

namespace Marconi.Http.Api.V1;

/// <summary>
/// Runs a v1 request (Zaqar's <c>v1_0</c> routes): resources whose v1 answers differ only in shape go to the shared
/// endpoints, which shape them by version; the v1-only ones (queue existence, metadata, message posts and deletes by
/// ids, claim creation and renewal) to the v1 endpoints.
/// </summary>
internal sealed class V1Dispatcher
{
    private readonly QueuesEndpoint _queues;
    private readonly MessagesEndpoint _messages;
    private readonly ClaimsEndpoint _claims;
    private readonly SystemEndpoint _system;
    private readonly V1QueuesEndpoint _v1Queues;
    private readonly V1MessagesEndpoint _v1Messages;
    private readonly V1ClaimsEndpoint _v1Claims;

    public V1Dispatcher(QueueEngine engine, QueuesEndpoint queues, MessagesEndpoint messages, ClaimsEndpoint claims, SystemEndpoint system, ZaqarApiOptions options)
    {
        _queues = queues;
        _messages = messages;
        _claims = claims;
        _system = system;
        _v1Queues = new V1QueuesEndpoint(engine, queues, options.MaxQueueMetadataSize ?? engine.Limits.MaxQueueMetadataSize);
        _v1Messages = new V1MessagesEndpoint(engine, queues, options, options.MaxMessagesPostSize ?? engine.Limits.MaxMessagesPostSize);
        _v1Claims = new V1ClaimsEndpoint(engine);
    }

    public async ValueTask DispatchAsync(ApiContext context)
    {
        try
        {
            await RouteAsync(context).ConfigureAwait(false);
        }
        catch (QueueException error) when (error.Kind == QueueErrorKind.LimitExceeded)
        {
            // Zaqar's v1 answers every failed validation, sizes included, with 400 (v1.1 and v2 answer sizes with 413).
            throw ApiException.BadRequest(error.Message);
        }
        catch (QueueException error) when (error.Kind == QueueErrorKind.InvalidArgument && error.Field == "marker"
            && context.Route.Kind is RouteKind.Queues or RouteKind.Messages)
        {
            // Zaqar's v1 storage pages from an unknown marker as from any other: nothing after it, 204.
            context.Response.StatusCode = 204;
        }
    }

    private ValueTask RouteAsync(ApiContext context) => (context.Route.Kind, context.Request.Method) switch
    {
        (RouteKind.Home, _) => Sync(() => SystemEndpoint.Home(context)),
        (RouteKind.Health, _) => _system.HealthV1Async(context),
        (RouteKind.Queues, _) => _queues.ListAsync(context),
        (RouteKind.Queue, "PUT") => _queues.CreateAsync(context),
        (RouteKind.Queue, "DELETE") => _queues.DeleteAsync(context),
        (RouteKind.Queue, _) => _v1Queues.ExistsAsync(context),
        (RouteKind.QueueMetadata, "GET") => _v1Queues.GetMetadataAsync(context),
        (RouteKind.QueueMetadata, _) => _v1Queues.PutMetadataAsync(context),
        (RouteKind.QueueStats, _) => _queues.StatsAsync(context),
        (RouteKind.Messages, "GET") => _messages.GetAsync(context),
        (RouteKind.Messages, "POST") => _v1Messages.PostAsync(context),
        (RouteKind.Messages, _) => _v1Messages.DeleteAsync(context),
        (RouteKind.Message, "GET") => _messages.GetOneAsync(context),
        (RouteKind.Message, _) => _messages.DeleteOneAsync(context),
        (RouteKind.Claims, _) => _v1Claims.CreateAsync(context),
        (RouteKind.Claim, "GET") => _claims.GetAsync(context),
        (RouteKind.Claim, "PATCH") => _v1Claims.UpdateAsync(context),
        (RouteKind.Claim, _) => _claims.DeleteAsync(context),
        _ => throw new ApiException(404, ErrorTitles.NotFound, "The requested resource could not be found."),
    };

    private static ValueTask Sync(Action action)
    {
        action();
        return ValueTask.CompletedTask;
    }
}
