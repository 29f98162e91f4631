using System.Runtime.CompilerServices;
using Marconi.Core.Errors;
using Marconi.Core.Model;
using Marconi.Core.Storage;
using Marconi.Core.Telemetry;

namespace Marconi.Core;

public sealed partial class QueueEngine
{
    /// <summary>
    /// Claims up to <see cref="ClaimOptions.Limit"/> free messages oldest first, atomically: no other live claim holds
    /// them. Each claimed message lives at least ttl + grace from now. Messages that reached the queue's
    /// <c>_max_claim_count</c> go to its <c>_dead_letter_queue</c> instead. Null when there was nothing to claim.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ClaimResult?> ClaimMessagesAsync(string project, string queue, ClaimOptions options = default, CancellationToken cancellationToken = default)
    {
        ValidateQueue(project, queue);
        var limit = options.Limit ?? Limits.DefaultClaimLimit;
        if (limit < 1 || limit > Limits.MaxMessagesPerClaimOrPop)
        {
            ThrowHelper.OutOfRange("limit", limit, 1, Limits.MaxMessagesPerClaimOrPop);
        }

        var (ttl, grace) = ResolveClaimTimes(options.Ttl, options.Grace);
        var claim = await _store.ClaimMessagesAsync(project, queue, new ClaimDraft(limit, ttl, grace), cancellationToken).ConfigureAwait(false);
        EngineMetrics.Count(EngineMetrics.MessagesClaimed, claim?.Messages.Count ?? 0, project, queue);
        return claim;
    }

    /// <summary>A live claim and the messages it holds; not-found when it does not exist or has expired.</summary>
    public async ValueTask<ClaimResult> GetClaimAsync(string project, string queue, string claimId, CancellationToken cancellationToken = default)
    {
        ValidateQueue(project, queue);
        ArgumentNullException.ThrowIfNull(claimId);
        var claim = await _store.GetClaimAsync(project, queue, claimId, cancellationToken).ConfigureAwait(false);
        if (claim is null)
        {
            ThrowHelper.NotFound($"Claim {claimId} does not exist or has expired.");
        }

        return claim;
    }

    /// <summary>Renews a live claim from now with a new ttl and grace; not-found when it does not exist or has expired.</summary>
    public async ValueTask UpdateClaimAsync(string project, string queue, string claimId, int? ttl = null, int? grace = null, CancellationToken cancellationToken = default)
    {
        ValidateQueue(project, queue);
        ArgumentNullException.ThrowIfNull(claimId);
        var (resolvedTtl, resolvedGrace) = ResolveClaimTimes(ttl, grace);
        if (!await _store.UpdateClaimAsync(project, queue, claimId, resolvedTtl, resolvedGrace, cancellationToken).ConfigureAwait(false))
        {
            ThrowHelper.NotFound($"Claim {claimId} does not exist or has expired.");
        }
    }

    /// <summary>Releases a claim so its messages are free again, in their order; false when it did not exist.</summary>
    public ValueTask<bool> ReleaseClaimAsync(string project, string queue, string claimId, CancellationToken cancellationToken = default)
    {
        ValidateQueue(project, queue);
        ArgumentNullException.ThrowIfNull(claimId);
        return _store.ReleaseClaimAsync(project, queue, claimId, cancellationToken);
    }

    private (int Ttl, int Grace) ResolveClaimTimes(int? ttl, int? grace)
    {
        var resolvedTtl = ttl ?? Limits.DefaultClaimTtl;
        if (resolvedTtl < Limits.MinClaimTtl || resolvedTtl > Limits.MaxClaimTtl)
        {
            ThrowHelper.OutOfRange("ttl", resolvedTtl, Limits.MinClaimTtl, Limits.MaxClaimTtl);
        }

        var resolvedGrace = grace ?? Limits.DefaultClaimGrace;
        if (resolvedGrace < Limits.MinClaimGrace || resolvedGrace > Limits.MaxClaimGrace)
        {
            ThrowHelper.OutOfRange("grace", resolvedGrace, Limits.MinClaimGrace, Limits.MaxClaimGrace);
        }

        return (resolvedTtl, resolvedGrace);
    }
}
