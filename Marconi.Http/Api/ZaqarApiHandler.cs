using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Marconi.Core;
using Marconi.Core.Errors;
using Marconi.Core.Validation;
using Marconi.Http.Api.Routing;
using Marconi.Http.Auth;
using Marconi.Http.Hosting;
using Marconi.Http.Telemetry;

namespace Marconi.Http.Api;

/// <summary>
/// Serves the OpenStack Zaqar v2, v1.1 and v1 queue API from a <see cref="QueueEngine"/>: routes a request, runs Zaqar's
/// header checks (Accept, Client-ID, X-Project-ID), calls the engine and answers JSON in Zaqar's shapes. Errors are
/// answered as <c>{"title", "description"}</c> with Zaqar's statuses; the handler never throws for bad input.
/// </summary>
public sealed class ZaqarApiHandler : IHttpHandler
{
    private readonly QueueEngine _engine;
    private readonly QueuesEndpoint _queues;
    private readonly MessagesEndpoint _messages;
    private readonly ClaimsEndpoint _claims;
    private readonly SubscriptionsEndpoint _subscriptions;
    private readonly SystemEndpoint _system;
    private readonly ShareEndpoint _share;
    private readonly StatsEndpoint _stats;
    private readonly V1.V1Dispatcher _v1;
    private readonly string? _signedUrlSecretKey;
    private readonly IAuthenticator _authenticator;
    private readonly NameCache _names = new();
    private readonly MetricsCollector? _metrics;
    private readonly PoolsEndpoint? _pools;
    private readonly FlavorsEndpoint? _flavors;
    private readonly Microsoft.Extensions.Logging.ILogger? _accessLog;

    private const string MetricsPath = "/metrics";

    /// <summary>Creates the handler.</summary>
    /// <param name="engine">The engine to serve.</param>
    /// <param name="options">API limits; null takes the engine's.</param>
    public ZaqarApiHandler(QueueEngine engine, ZaqarApiOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        options ??= new ZaqarApiOptions();
        _engine = engine;
        _queues = new QueuesEndpoint(engine, options.MaxQueueMetadataSize ?? engine.Limits.MaxQueueMetadataSize);
        _messages = new MessagesEndpoint(engine, options, options.MaxMessagesPostSize ?? engine.Limits.MaxMessagesPostSize);
        _claims = new ClaimsEndpoint(engine);
        _subscriptions = new SubscriptionsEndpoint(engine, options.MaxQueueMetadataSize ?? engine.Limits.MaxQueueMetadataSize);
        _system = new SystemEndpoint(engine);
        _signedUrlSecretKey = options.SignedUrlSecretKey;
        _authenticator = options.Authenticator ?? NoAuthAuthenticator.Instance;
        _share = new ShareEndpoint(options.SignedUrlSecretKey, engine.TimeProvider);
        _v1 = new V1.V1Dispatcher(engine, _queues, _messages, _claims, _system, options);
        _metrics = options.Metrics;
        if (options.AdminMode && options.Pools is { } pools)
        {
            _pools = new PoolsEndpoint(pools);
            _flavors = new FlavorsEndpoint(pools);
        }

        _accessLog = options.AccessLog;
        _stats = new StatsEndpoint(engine);
    }

    /// <inheritdoc />
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask HandleAsync(HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        var started = Stopwatch.GetTimestamp();
        if (_metrics is not null && request.PathSpan.SequenceEqual(MetricsPath))
        {
            MetricsEndpoint.Write(request, response, _metrics);
            if (_accessLog is not null)
            {
                AccessLog.Write(_accessLog, request, response, started);
            }

            return;
        }

        // Admin resources exist only in admin mode with pooling: otherwise they are unknown routes (404), as in Zaqar.
        var matched = RouteTable.TryMatch(request.PathSpan, _names, out var route) && (_pools is not null || !RouteTable.IsAdmin(route.Kind));
        try
        {
            await DispatchAsync(request, response, matched, route, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException error)
        {
            ErrorResponses.Write(response, error);
        }
        catch (QueueException error)
        {
            ErrorResponses.Write(response, ErrorResponses.FromQueueError(error));
        }
        catch (JsonException)
        {
            ErrorResponses.Write(response, RequestBody.MalformedBody());
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // The server contract: answer 500 rather than throw for an unexpected failure.
        catch (Exception error)
#pragma warning restore CA1031
        {
            ErrorResponses.Write(response, 500, ErrorTitles.InternalError, error.Message);
        }

        JsonResponse.Finish(response);
        HttpMetrics.RecordRequest(matched ? RouteLabels.Of(route.Kind) : RouteLabels.Unmatched, request.Method, response.StatusCode, Stopwatch.GetElapsedTime(started).TotalSeconds);
        if (_accessLog is not null)
        {
            AccessLog.Write(_accessLog, request, response, started);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask DispatchAsync(HttpRequest request, HttpResponse response, bool matched, RouteMatch route, CancellationToken cancellationToken)
    {
        // Authentication comes first, as Keystone's middleware wraps the whole Zaqar app; a request carrying
        // URL-Signature skips it (Zaqar's SignedHeadersAuth) and is checked against its signature below instead.
        string? tokenProject = null;
        AuthResult? identity = null;
        if (!request.TryGetHeader("URL-Signature", out _))
        {
            var auth = await _authenticator.AuthenticateAsync(request, cancellationToken).ConfigureAwait(false);
            if (!auth.Succeeded)
            {
                throw new ApiException(auth.FailureStatus, auth.FailureTitle!, auth.FailureDescription!)
                {
                    Header = auth.Challenge is { } challenge ? new("WWW-Authenticate", challenge) : null,
                };
            }

            tokenProject = auth.Project;
            identity = auth;
        }

        if (!matched)
        {
            throw new ApiException(404, ErrorTitles.NotFound, "The requested resource could not be found.");
        }

        // Zaqar's first hook: a request carrying URL-Signature must match it, or it is a 404.
        SignedUrls.VerifyRequest(request, _signedUrlSecretKey, _engine.TimeProvider);
        HeaderRules.CheckContent(request);
        if (route.Kind == RouteKind.Versions)
        {
            CheckMethod(request, route);
            SystemEndpoint.Versions(response);
            return;
        }

        // Zaqar's hooks require Client-ID and X-Project-ID from v1.1 on; v1 checks a Client-ID only when present.
        var isV1 = route.Version == ApiVersion.V1;
        Guid? clientId = isV1 ? HeaderRules.OptionalClientId(request) : HeaderRules.ClientId(request);
        var project = tokenProject is null
            ? HeaderRules.ProjectId(request, _engine.Limits, _names, optional: isV1)
            : HeaderRules.TokenProject(request, tokenProject);
        response.Project = project;
        response.ClientId = clientId;
        CheckMethod(request, route);
        // Zaqar's policy (role:admin) runs in the resource, after its header hooks and method routing.
        if (RouteTable.IsAdmin(route.Kind) && !AdminGate.IsAdmin(request, identity))
        {
            throw new ApiException(403, AdminGate.ForbiddenTitle, AdminGate.ForbiddenDescription);
        }

        if (request.Method == "OPTIONS")
        {
            response.AddHeader("Allow", AllowHeader(route));
            return;
        }

        if (route.Queue is { } queue && !Names.IsValidQueueName(queue, _engine.Limits.MaxQueueNameLength))
        {
            throw new ApiException(400, "Invalid queue identification", "The format of the submitted queue name or project id is not valid.");
        }

        var context = new ApiContext(request, response, route, project, clientId, cancellationToken);
        if (isV1)
        {
            await _v1.DispatchAsync(context).ConfigureAwait(false);
            return;
        }

        switch (route.Kind, request.Method)
        {
            case (RouteKind.Home, _):
                SystemEndpoint.Home(context);
                break;
            case (RouteKind.Ping, _):
                SystemEndpoint.Ping(context);
                break;
            case (RouteKind.Health, _):
                await _system.HealthAsync(context).ConfigureAwait(false);
                break;
            case (RouteKind.Stats, _):
                await _stats.GetAsync(context).ConfigureAwait(false);
                break;
            case (RouteKind.Queues, _):
                await _queues.ListAsync(context).ConfigureAwait(false);
                break;
            case (RouteKind.Queue, "GET"):
                await _queues.GetAsync(context).ConfigureAwait(false);
                break;
            case (RouteKind.Queue, "PUT"):
                await _queues.CreateAsync(context).ConfigureAwait(false);
                break;
            case (RouteKind.Queue, "PATCH"):
                await _queues.PatchAsync(context).ConfigureAwait(false);
                break;
            case (RouteKind.Queue, _):
                await _queues.DeleteAsync(context).ConfigureAwait(false);
                break;
            case (RouteKind.QueueStats, _):
                await _queues.StatsAsync(context).ConfigureAwait(false);
                break;
            case (RouteKind.QueuePurge, _):
                await _queues.PurgeAsync(context).ConfigureAwait(false);
                break;
            case (RouteKind.QueueShare, _):
                _share.Share(context);
                break;
            case (RouteKind.Messages, "GET"):
                await _messages.GetAsync(context).ConfigureAwait(false);
                break;
            case (RouteKind.Messages, "POST"):
                await _messages.PostAsync(context).ConfigureAwait(false);
                break;
            case (RouteKind.Messages, _):
                await _messages.DeleteAsync(context).ConfigureAwait(false);
                break;
            case (RouteKind.Message, "GET"):
                await _messages.GetOneAsync(context).ConfigureAwait(false);
                break;
            case (RouteKind.Message, _):
                await _messages.DeleteOneAsync(context).ConfigureAwait(false);
                break;
            case (RouteKind.Claims, _):
                await _claims.CreateAsync(context).ConfigureAwait(false);
                break;
            case (RouteKind.Claim, "GET"):
                await _claims.GetAsync(context).ConfigureAwait(false);
                break;
            case (RouteKind.Claim, "PATCH"):
                await _claims.UpdateAsync(context).ConfigureAwait(false);
                break;
            case (RouteKind.Claim, _):
                await _claims.DeleteAsync(context).ConfigureAwait(false);
                break;
            case (RouteKind.Subscriptions, "GET"):
                await _subscriptions.ListAsync(context).ConfigureAwait(false);
                break;
            case (RouteKind.Subscriptions, _):
                await _subscriptions.CreateAsync(context).ConfigureAwait(false);
                break;
            case (RouteKind.Subscription, "GET"):
                await _subscriptions.GetAsync(context).ConfigureAwait(false);
                break;
            case (RouteKind.Subscription, "PATCH"):
                await _subscriptions.UpdateAsync(context).ConfigureAwait(false);
                break;
            case (RouteKind.Subscription, _):
                await _subscriptions.DeleteAsync(context).ConfigureAwait(false);
                break;
            case (RouteKind.SubscriptionConfirm, _):
                await _subscriptions.ConfirmAsync(context).ConfigureAwait(false);
                break;
            default:
                await DispatchAdminAsync(context).ConfigureAwait(false);
                break;
        }
    }

    private async ValueTask DispatchAdminAsync(ApiContext context)
    {
        var pools = _pools!;
        var flavors = _flavors!;
        switch (context.Route.Kind, context.Request.Method)
        {
            case (RouteKind.Pools, _):
                pools.List(context);
                break;
            case (RouteKind.Pool, "GET" or "HEAD"):
                pools.Get(context);
                break;
            case (RouteKind.Pool, "PUT"):
                await pools.PutAsync(context).ConfigureAwait(false);
                break;
            case (RouteKind.Pool, "PATCH"):
                await pools.PatchAsync(context).ConfigureAwait(false);
                break;
            case (RouteKind.Pool, _):
                pools.Delete(context);
                break;
            case (RouteKind.Flavors, _):
                flavors.List(context);
                break;
            case (RouteKind.Flavor, "GET"):
                flavors.Get(context);
                break;
            case (RouteKind.Flavor, "PUT"):
                flavors.Put(context);
                break;
            case (RouteKind.Flavor, "PATCH"):
                flavors.Patch(context);
                break;
            default:
                flavors.Delete(context);
                break;
        }
    }

    private static void CheckMethod(HttpRequest request, RouteMatch route)
    {
        if (request.Method == "OPTIONS" || Array.IndexOf(route.AllowedMethods, request.Method) >= 0)
        {
            return;
        }

        throw new ApiException(405, ErrorTitles.MethodNotAllowed, $"The method {request.Method} is not allowed on this resource.")
        {
            Header = new("Allow", AllowHeader(route)),
        };
    }

    private static string AllowHeader(RouteMatch route) => string.Join(", ", route.AllowedMethods) + ", OPTIONS";
}
