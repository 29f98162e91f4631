using Marconi.Core;
using Marconi.Core.Errors;

namespace Marconi.Tests.Engine.Model;

/// <summary>
/// A deliberately simple in-memory queue engine: lists scanned in order, no indexes, no storage. Its answers are the
/// reference the real engine is checked against; ids are small integers (messages and claims counted separately).
/// </summary>
public sealed class QueueModel
{
    private readonly QueueLimits _limits = QueueLimits.Default;
    private readonly Dictionary<string, ModelQueue> _queues = new(StringComparer.Ordinal);
    private int _lastMessage;
    private int _lastClaim;

    /// <summary>A message as the model keeps it.</summary>
    public sealed class Message
    {
        public required int Id { get; init; }
        public required int Client { get; init; }
        public required string Body { get; init; }
        public required int Ttl { get; init; }
        public required long CreatedMs { get; init; }
        public required int Delay { get; init; }
        public long ExpiresMs { get; set; }
        public int Claim { get; set; }
        public long ClaimExpiresMs { get; set; }
        public int ClaimCount { get; set; }

        public bool IsLive(long now) => ExpiresMs > now;

        public bool IsClaimed(long now) => Claim != 0 && ClaimExpiresMs > now;

        public bool IsDelayed(long now) => Delay > 0 && CreatedMs + (Delay * 1000L) > now;

        public bool IsFree(long now) => IsLive(now) && !IsClaimed(now) && !IsDelayed(now);
    }

    /// <summary>A claim as the model keeps it.</summary>
    public sealed class Claim
    {
        public required int Id { get; init; }
        public long CreatedMs { get; set; }
        public int Ttl { get; set; }
        public int Grace { get; set; }
        public long ExpiresMs { get; set; }
        public required List<int> Messages { get; init; }

        public bool IsLive(long now) => ExpiresMs > now;
    }

    private sealed class ModelQueue
    {
        public List<Message> Messages { get; } = [];

        public Dictionary<int, Claim> Claims { get; } = [];

        public Message? Find(int id) => Messages.Find(m => m.Id == id);
    }

    /// <summary>True when the queue did not exist.</summary>
    public bool CreateQueue(string queue) => _queues.TryAdd(queue, new ModelQueue());

    /// <summary>True when the queue existed.</summary>
    public bool DeleteQueue(string queue) => _queues.Remove(queue);

    /// <summary>The new message ids; the whole batch is refused when one message has a ttl or delay out of range.</summary>
    public IReadOnlyList<int> Post(string queue, int client, IReadOnlyList<(int? Ttl, int? Delay, string Body)> batch, long now)
    {
        foreach (var (ttl, delay, _) in batch)
        {
            if ((ttl ?? _limits.DefaultMessageTtl) is var t && (t < _limits.MinMessageTtl || t > _limits.MaxMessageTtl))
            {
                throw Error(QueueErrorKind.InvalidArgument);
            }

            if ((delay ?? 0) is var d && (d < 0 || d > _limits.MaxMessageDelay))
            {
                throw Error(QueueErrorKind.InvalidArgument);
            }
        }

        CreateQueue(queue);
        var ids = new List<int>();
        foreach (var (ttl, delay, body) in batch)
        {
            var message = new Message
            {
                Id = ++_lastMessage,
                Client = client,
                Body = body,
                Ttl = ttl ?? _limits.DefaultMessageTtl,
                CreatedMs = now,
                Delay = delay ?? 0,
            };
            message.ExpiresMs = now + (message.Ttl * 1000L);
            _queues[queue].Messages.Add(message);
            ids.Add(message.Id);
        }

        return ids;
    }

    /// <summary>A page oldest first after the marker (message ids only grow, so "after" is a comparison).</summary>
    public IReadOnlyList<Message> List(string queue, int client, int? marker, int? limit, bool echo, bool includeClaimed, bool includeDelayed, long now)
    {
        var size = PageSize(limit);
        if (!_queues.TryGetValue(queue, out var state))
        {
            return [];
        }

        return state.Messages
            .Where(m => marker is null || m.Id > marker)
            .Where(m => m.IsLive(now) && (echo || m.Client != client) && (includeClaimed || !m.IsClaimed(now)) && (includeDelayed || !m.IsDelayed(now)))
            .Take(size)
            .ToList();
    }

    /// <summary>The live messages among the ids, in the order asked.</summary>
    public IReadOnlyList<Message> GetMany(string queue, IReadOnlyList<int> ids, long now)
    {
        CheckIds(ids.Count);
        return _queues.TryGetValue(queue, out var state)
            ? ids.Select(state.Find).Where(m => m is not null && m.IsLive(now)).Select(m => m!).ToList()
            : [];
    }

    /// <summary>The new claim and what it holds, or null when nothing was free.</summary>
    public (Claim Claim, IReadOnlyList<Message> Messages)? ClaimMessages(string queue, int? limit, int? ttl, int? grace, long now)
    {
        var count = limit ?? _limits.DefaultClaimLimit;
        if (count < 1 || count > _limits.MaxMessagesPerClaimOrPop)
        {
            throw Error(QueueErrorKind.InvalidArgument);
        }

        var (claimTtl, claimGrace) = ClaimTimes(ttl, grace);
        if (!_queues.TryGetValue(queue, out var state))
        {
            return null;
        }

        var taken = state.Messages.Where(m => m.IsFree(now)).Take(count).ToList();
        if (taken.Count == 0)
        {
            return null;
        }

        var claim = new Claim { Id = ++_lastClaim, CreatedMs = now, Ttl = claimTtl, Grace = claimGrace, ExpiresMs = now + (claimTtl * 1000L), Messages = taken.Select(m => m.Id).ToList() };
        state.Claims[claim.Id] = claim;
        foreach (var message in taken)
        {
            message.Claim = claim.Id;
            message.ClaimExpiresMs = claim.ExpiresMs;
            message.ClaimCount++;
            message.ExpiresMs = Math.Max(message.ExpiresMs, claim.ExpiresMs + (claimGrace * 1000L));
        }

        return (claim, taken);
    }

    /// <summary>A live claim and the live messages it still holds; not-found otherwise.</summary>
    public (Claim Claim, IReadOnlyList<Message> Messages) GetClaim(string queue, int claimId, long now)
    {
        var claim = LiveClaim(queue, claimId, now) ?? throw Error(QueueErrorKind.NotFound);
        var state = _queues[queue];
        var held = claim.Messages.Select(state.Find).Where(m => m is not null && m.Claim == claimId && m.IsLive(now)).Select(m => m!).ToList();
        return (claim, held);
    }

    /// <summary>Restarts a live claim from now; not-found otherwise.</summary>
    public void RenewClaim(string queue, int claimId, int? ttl, int? grace, long now)
    {
        var (claimTtl, claimGrace) = ClaimTimes(ttl, grace);
        var claim = LiveClaim(queue, claimId, now) ?? throw Error(QueueErrorKind.NotFound);
        claim.CreatedMs = now;
        claim.Ttl = claimTtl;
        claim.Grace = claimGrace;
        claim.ExpiresMs = now + (claimTtl * 1000L);
        foreach (var message in _queues[queue].Messages.Where(m => m.Claim == claimId))
        {
            message.ClaimExpiresMs = claim.ExpiresMs;
            message.ExpiresMs = Math.Max(message.ExpiresMs, claim.ExpiresMs + (claimGrace * 1000L));
        }
    }

    /// <summary>Frees a live claim's messages; false when the claim is unknown or expired.</summary>
    public bool ReleaseClaim(string queue, int claimId, long now)
    {
        if (!_queues.TryGetValue(queue, out var state) || !state.Claims.Remove(claimId, out var claim) || !claim.IsLive(now))
        {
            return false;
        }

        foreach (var message in state.Messages.Where(m => m.Claim == claimId))
        {
            message.Claim = 0;
            message.ClaimExpiresMs = 0;
        }

        return true;
    }

    /// <summary>Deletes one message; a claimed one needs the claim holding it, an unclaimed one no claim at all.</summary>
    public bool Delete(string queue, int id, int? claimId, long now)
    {
        if (!_queues.TryGetValue(queue, out var state) || state.Find(id) is not { } message || !message.IsLive(now))
        {
            return false;
        }

        if (message.IsClaimed(now))
        {
            if (claimId is null)
            {
                throw Error(QueueErrorKind.ClaimRequired);
            }

            if (message.Claim != claimId)
            {
                throw Error(QueueErrorKind.ClaimMismatch);
            }
        }
        else if (claimId is not null)
        {
            throw Error(QueueErrorKind.ClaimMismatch);
        }

        state.Messages.Remove(message);
        return true;
    }

    /// <summary>Deletes the live messages among the ids, claimed or not; how many there were.</summary>
    public int DeleteMany(string queue, IReadOnlyList<int> ids, long now)
    {
        CheckIds(ids.Count);
        if (!_queues.TryGetValue(queue, out var state))
        {
            return 0;
        }

        return state.Messages.RemoveAll(m => ids.Contains(m.Id) && m.IsLive(now));
    }

    /// <summary>Takes and deletes up to <paramref name="count"/> free messages, oldest first.</summary>
    public IReadOnlyList<Message> Pop(string queue, int count, long now)
    {
        if (count < 1 || count > _limits.MaxMessagesPerClaimOrPop)
        {
            throw Error(QueueErrorKind.InvalidArgument);
        }

        if (!_queues.TryGetValue(queue, out var state))
        {
            return [];
        }

        var taken = state.Messages.Where(m => m.IsFree(now)).Take(count).ToList();
        state.Messages.RemoveAll(taken.Contains);
        return taken;
    }

    /// <summary>Claimed and free counts of the live messages, and the oldest and newest of them.</summary>
    public (int Claimed, int Free, Message? Oldest, Message? Newest) Stats(string queue, long now)
    {
        if (!_queues.TryGetValue(queue, out var state))
        {
            return (0, 0, null, null);
        }

        var live = state.Messages.Where(m => m.IsLive(now)).ToList();
        return (live.Count(m => m.IsClaimed(now)), live.Count(m => !m.IsClaimed(now)), live.FirstOrDefault(), live.LastOrDefault());
    }

    private static QueueException Error(QueueErrorKind kind) => new(kind, "model");

    private Claim? LiveClaim(string queue, int claimId, long now) =>
        _queues.TryGetValue(queue, out var state) && state.Claims.TryGetValue(claimId, out var claim) && claim.IsLive(now) ? claim : null;

    private int PageSize(int? limit)
    {
        var size = limit ?? _limits.DefaultPageSize;
        return size < 1 || size > _limits.MaxPageSize ? throw Error(QueueErrorKind.InvalidArgument) : size;
    }

    private void CheckIds(int count)
    {
        if (count == 0)
        {
            throw Error(QueueErrorKind.InvalidArgument);
        }

        if (count > _limits.MaxIdsPerRequest)
        {
            throw Error(QueueErrorKind.LimitExceeded);
        }
    }

    private (int Ttl, int Grace) ClaimTimes(int? ttl, int? grace)
    {
        var claimTtl = ttl ?? _limits.DefaultClaimTtl;
        var claimGrace = grace ?? _limits.DefaultClaimGrace;
        if (claimTtl < _limits.MinClaimTtl || claimTtl > _limits.MaxClaimTtl || claimGrace < _limits.MinClaimGrace || claimGrace > _limits.MaxClaimGrace)
        {
            throw Error(QueueErrorKind.InvalidArgument);
        }

        return (claimTtl, claimGrace);
    }
}
