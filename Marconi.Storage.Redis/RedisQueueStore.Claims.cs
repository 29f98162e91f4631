using Marconi.Core.Model;
using Marconi.Core.Storage;
using StackExchange.Redis;

namespace Marconi.Storage.Redis;

public sealed partial class RedisQueueStore
{
    /// <inheritdoc />
    public async ValueTask<ClaimResult?> ClaimMessagesAsync(string project, string queue, ClaimDraft claim, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var json = await GetMetadataJsonAsync(project, queue).ConfigureAwait(false);
            if (json is null)
            {
                return null;
            }

            // The script re-checks the metadata it was given, so the dead-letter settings used are the current ones.
            var settings = ParseMetadata(json).Settings;
            var deadLetters = settings.HasDeadLetterQueue && settings.DeadLetterQueue != queue ? settings.DeadLetterQueue! : null;
            var keys = new RedisKey[] { _keys.Queue(project, queue), _keys.Catalog(project), _keys.Sequence(project), _keys.Queue(project, deadLetters ?? queue) };
            var nowMs = NowMs;
            var values = (RedisResult[])(await RunAsync(
                RedisScripts.Claim,
                keys,
                nowMs,
                claim.Ttl,
                claim.Grace,
                claim.Limit,
                json,
                deadLetters is null ? 0 : settings.MaxClaimCount!.Value,
                deadLetters ?? string.Empty,
                settings.DeadLetterQueueMessagesTtl ?? -1).ConfigureAwait(false))!;
            var claimSequence = (long)values[0];
            if (claimSequence < 0)
            {
                continue;
            }

            if (claimSequence == 0)
            {
                return null;
            }

            return new ClaimResult(FormatId(project, claimSequence), claim.Ttl, claim.Grace, 0, ReadMessages(project, values, 1, nowMs));
        }
    }

    /// <inheritdoc />
    public async ValueTask<ClaimResult?> GetClaimAsync(string project, string queue, string claimId, CancellationToken cancellationToken)
    {
        if (!TryParseId(project, claimId, out var claimSequence))
        {
            return null;
        }

        var nowMs = NowMs;
        var values = (RedisResult[])(await RunAsync(RedisScripts.GetClaim, QueueKeys(project, queue), nowMs, claimSequence).ConfigureAwait(false))!;
        if ((long)values[0] == 0)
        {
            return null;
        }

        var age = Math.Max(0, (nowMs - (long)values[1]) / 1000);
        return new ClaimResult(claimId, (int)values[2], (int)values[3], age, ReadMessages(project, values, 4, nowMs));
    }

    /// <inheritdoc />
    public async ValueTask<bool> UpdateClaimAsync(string project, string queue, string claimId, int ttl, int grace, CancellationToken cancellationToken)
    {
        if (!TryParseId(project, claimId, out var claimSequence))
        {
            return false;
        }

        return (int)await RunAsync(RedisScripts.RenewClaim, QueueKeys(project, queue), NowMs, claimSequence, ttl, grace).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async ValueTask<bool> ReleaseClaimAsync(string project, string queue, string claimId, CancellationToken cancellationToken)
    {
        if (!TryParseId(project, claimId, out var claimSequence))
        {
            return false;
        }

        return (int)await RunAsync(RedisScripts.ReleaseClaim, QueueKeys(project, queue), NowMs, claimSequence).ConfigureAwait(false) == 1;
    }
}
