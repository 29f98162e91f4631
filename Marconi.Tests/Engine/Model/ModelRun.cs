using System.Globalization;
using System.Text;
using Marconi.Core;
using Marconi.Core.Errors;
using Marconi.Core.Model;
using Marconi.Tests.Support;

namespace Marconi.Tests.Engine.Model;

/// <summary>
/// Runs one operation on both the engine and the model and renders each outcome as text in the model's terms (real
/// ids are mapped to model ids as they are handed out), so agreement is string equality.
/// </summary>
public sealed class ModelRun
{
    private const string Project = "model-project";
    private static readonly Guid[] Clients = [Guid.Parse("11111111-1111-1111-1111-111111111111"), Guid.Parse("22222222-2222-2222-2222-222222222222")];

    private readonly EngineHarness _harness;
    private readonly Dictionary<string, int> _messageIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _claimIds = new(StringComparer.Ordinal);
    private readonly List<string> _messages = [];
    private readonly List<string> _claims = [];
    private readonly List<string> _markers = [];
    private int _bodies;
    private string? _marker;

    public ModelRun(EngineHarness harness) => _harness = harness;

    /// <summary>The reference model (exposed so a test can corrupt it on purpose).</summary>
    public QueueModel Model { get; } = new();

    private QueueEngine Engine => _harness.Engine;

    private long Now => _harness.Clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The engine's and the model's outcome of <paramref name="op"/>.</summary>
    public async Task<(string Real, string Model)> StepAsync(ModelOp op)
    {
        // A pick needs something to pick from: before the first post (or claim) such a step says nothing.
        var needsMessage = op is GetManyOp { Picks.Length: > 0 } or DeleteOp or DeleteManyOp { Picks.Length: > 0 };
        var needsClaim = op is GetClaimOp or RenewClaimOp or ReleaseClaimOp or DeleteOp { ClaimPick: not null };
        if ((needsMessage && _messages.Count == 0) || (needsClaim && _claims.Count == 0))
        {
            return ("skipped", "skipped");
        }

        // Resolved once for both sides: the engine's step may add the marker it returns.
        _marker = op is ListOp { MarkerPick: { } pick } && _markers.Count > 0 ? _markers[pick % _markers.Count] : null;
        switch (op)
        {
            case AdvanceOp advance:
                _harness.AdvanceSeconds(advance.Seconds);
                return ("ok", "ok");
            case ReopenOp:
                await _harness.ReopenAsync();
                return ("ok", "ok");
            case PostOp post:
                return await PostAsync(post);
            case ClaimOp claim:
                return await ClaimAsync(claim);
        }

        var real = await Outcome(() => RealAsync(op));
        var model = Outcome(() => ModelStep(op));
        return (real, model);
    }

    private async Task<(string, string)> PostAsync(PostOp post)
    {
        var batch = post.Messages.Select(m => (m.Ttl, m.Delay, Body: $"{{\"n\":{++_bodies}}}")).ToList();
        IReadOnlyList<string>? realIds = null;
        var real = await Outcome(async () =>
        {
            realIds = await Engine.PostMessagesAsync(Project, post.Queue, batch.Select(m => new NewMessage(Encoding.UTF8.GetBytes(m.Body), m.Ttl, m.Delay)).ToList(), Clients[post.Client]);
            return $"posted {realIds.Count}";
        });
        IReadOnlyList<int>? modelIds = null;
        var model = Outcome(() =>
        {
            modelIds = Model.Post(post.Queue, post.Client, batch, Now);
            return $"posted {modelIds.Count}";
        });
        if (realIds is not null && modelIds is not null && realIds.Count == modelIds.Count)
        {
            for (var i = 0; i < realIds.Count; i++)
            {
                _messageIds[realIds[i]] = modelIds[i];
                _messages.Add(realIds[i]);
            }
        }

        return (real, model);
    }

    private async Task<(string, string)> ClaimAsync(ClaimOp op)
    {
        ClaimResult? claimed = null;
        var real = await Outcome(async () =>
        {
            claimed = await Engine.ClaimMessagesAsync(Project, op.Queue, new ClaimOptions(op.Limit, op.Ttl, op.Grace));
            return claimed is null ? "nothing" : "claimed";
        });
        (QueueModel.Claim Claim, IReadOnlyList<QueueModel.Message> Messages)? modelClaim = null;
        var model = Outcome(() =>
        {
            modelClaim = Model.ClaimMessages(op.Queue, op.Limit, op.Ttl, op.Grace, Now);
            return modelClaim is null ? "nothing" : "claimed";
        });
        if (claimed is not null && modelClaim is { } c)
        {
            _claimIds[claimed.ClaimId] = c.Claim.Id;
            _claims.Add(claimed.ClaimId);
            real = Claim(claimed.Ttl, claimed.Grace, claimed.Age, claimed.Messages.Select(View), _claimIds.GetValueOrDefault(claimed.ClaimId));
            model = Claim(c.Claim.Ttl, c.Claim.Grace, (Now - c.Claim.CreatedMs) / 1000, c.Messages.Select(View), c.Claim.Id);
        }

        return (real, model);
    }

    private async Task<string> RealAsync(ModelOp op)
    {
        switch (op)
        {
            case CreateQueueOp create:
                return $"created {await Engine.CreateQueueAsync(Project, create.Queue)}";
            case DeleteQueueOp delete:
                return $"deleted {await Engine.DeleteQueueAsync(Project, delete.Queue)}";
            case ListOp list:
                var page = await Engine.ListMessagesAsync(Project, list.Queue, Clients[list.Client], new MessageListOptions
                {
                    Marker = _marker,
                    Limit = list.Limit,
                    Echo = list.Echo,
                    IncludeClaimed = list.IncludeClaimed,
                    IncludeDelayed = list.IncludeDelayed,
                });
                if (page.NextMarker is { } next && !_markers.Contains(next))
                {
                    _markers.Add(next);
                }

                return Page(page.Messages.Select(View));
            case GetManyOp get:
                return Page((await Engine.GetMessagesAsync(Project, get.Queue, get.Picks.Select(PickMessage).ToList())).Select(View));
            case GetClaimOp get:
                var claim = await Engine.GetClaimAsync(Project, get.Queue, PickClaim(get.Pick));
                return Claim(claim.Ttl, claim.Grace, claim.Age, claim.Messages.Select(View), _claimIds.GetValueOrDefault(claim.ClaimId));
            case RenewClaimOp renew:
                await Engine.UpdateClaimAsync(Project, renew.Queue, PickClaim(renew.Pick), renew.Ttl, renew.Grace);
                return "renewed";
            case ReleaseClaimOp release:
                return $"released {await Engine.ReleaseClaimAsync(Project, release.Queue, PickClaim(release.Pick))}";
            case DeleteOp delete:
                return $"deleted {await Engine.DeleteMessageAsync(Project, delete.Queue, PickMessage(delete.Pick), delete.ClaimPick is { } c ? PickClaim(c) : null)}";
            case DeleteManyOp delete:
                return $"deleted {await Engine.DeleteMessagesAsync(Project, delete.Queue, delete.Picks.Select(PickMessage).ToList())}";
            case PopOp pop:
                return Page((await Engine.PopMessagesAsync(Project, pop.Queue, pop.Count)).Select(View));
            case StatsOp stats:
                var s = await Engine.GetQueueStatsAsync(Project, stats.Queue);
                return Stats(s.Claimed, s.Free, s.Oldest is { } o ? (MessageId(o.Id), o.Age) : null, s.Newest is { } n ? (MessageId(n.Id), n.Age) : null);
            default:
                throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown operation.");
        }
    }

    private string ModelStep(ModelOp op)
    {
        var now = Now;
        switch (op)
        {
            case CreateQueueOp create:
                return $"created {Model.CreateQueue(create.Queue)}";
            case DeleteQueueOp delete:
                return $"deleted {Model.DeleteQueue(delete.Queue)}";
            case ListOp list:
                var marker = _marker is { } m ? _messageIds[m] : (int?)null;
                return Page(Model.List(list.Queue, list.Client, marker, list.Limit, list.Echo, list.IncludeClaimed, list.IncludeDelayed, now).Select(View));
            case GetManyOp get:
                return Page(Model.GetMany(get.Queue, get.Picks.Select(p => ModelMessage(PickMessage(p))).ToList(), now).Select(View));
            case GetClaimOp get:
                var (claim, held) = Model.GetClaim(get.Queue, ModelClaim(PickClaim(get.Pick)), now);
                return Claim(claim.Ttl, claim.Grace, (now - claim.CreatedMs) / 1000, held.Select(View), claim.Id);
            case RenewClaimOp renew:
                Model.RenewClaim(renew.Queue, ModelClaim(PickClaim(renew.Pick)), renew.Ttl, renew.Grace, now);
                return "renewed";
            case ReleaseClaimOp release:
                return $"released {Model.ReleaseClaim(release.Queue, ModelClaim(PickClaim(release.Pick)), now)}";
            case DeleteOp delete:
                return $"deleted {Model.Delete(delete.Queue, ModelMessage(PickMessage(delete.Pick)), delete.ClaimPick is { } c ? ModelClaim(PickClaim(c)) : null, now)}";
            case DeleteManyOp delete:
                return $"deleted {Model.DeleteMany(delete.Queue, delete.Picks.Select(p => ModelMessage(PickMessage(p))).ToList(), now)}";
            case PopOp pop:
                return Page(Model.Pop(pop.Queue, pop.Count, now).Select(View));
            case StatsOp stats:
                var (claimed, free, oldest, newest) = Model.Stats(stats.Queue, now);
                return Stats(claimed, free, oldest is null ? null : (oldest.Id, (now - oldest.CreatedMs) / 1000), newest is null ? null : (newest.Id, (now - newest.CreatedMs) / 1000));
            default:
                throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown operation.");
        }
    }

    private static async Task<string> Outcome(Func<Task<string>> step)
    {
        try
        {
            return await step();
        }
        catch (QueueException error)
        {
            return "error " + error.Kind;
        }
    }

    private static string Outcome(Func<string> step)
    {
        try
        {
            return step();
        }
        catch (QueueException error)
        {
            return "error " + error.Kind;
        }
    }

    // Picks resolve over every id handed out so far (StepAsync skips a step with nothing to pick from).
    private string PickMessage(int pick) => _messages[pick % _messages.Count];

    private string PickClaim(int pick) => _claims[pick % _claims.Count];

    private int ModelMessage(string realId) => _messageIds.GetValueOrDefault(realId, -1);

    private int ModelClaim(string realId) => _claimIds.GetValueOrDefault(realId, -1);

    private string MessageId(string realId) => _messageIds.TryGetValue(realId, out var id) ? id.ToString(CultureInfo.InvariantCulture) : "?" + realId;

    private string View(QueuedMessage m) =>
        $"m{MessageId(m.Id)} {Encoding.UTF8.GetString(m.Body.Span)} ttl {m.Ttl} age {m.Age} client {Array.IndexOf(Clients, m.ClientId)} claim {(m.ClaimId is null ? "-" : _claimIds.TryGetValue(m.ClaimId, out var c) ? c.ToString(CultureInfo.InvariantCulture) : "?" + m.ClaimId)} x{m.ClaimCount}";

    private string View(QueueModel.Message m)
    {
        var now = Now;
        return $"m{m.Id} {m.Body} ttl {m.Ttl} age {(now - m.CreatedMs) / 1000} client {m.Client} claim {(m.IsClaimed(now) ? m.Claim.ToString(CultureInfo.InvariantCulture) : "-")} x{m.ClaimCount}";
    }

    private static string Page(IEnumerable<string> views) => "[" + string.Join("; ", views) + "]";

    private static string Claim(int ttl, int grace, long age, IEnumerable<string> views, int id) => $"claim c{id} ttl {ttl} grace {grace} age {age} {Page(views)}";

    private static string Stats(long claimed, long free, (object Id, long Age)? oldest, (object Id, long Age)? newest) =>
        $"claimed {claimed} free {free} oldest {(oldest is { } o ? $"m{o.Id} age {o.Age}" : "-")} newest {(newest is { } n ? $"m{n.Id} age {n.Age}" : "-")}";
}
