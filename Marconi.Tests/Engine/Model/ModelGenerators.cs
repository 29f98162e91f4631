using FsCheck;
using FsCheck.Fluent;

namespace Marconi.Tests.Engine.Model;

/// <summary>
/// FsCheck generators of operation sequences. Values cluster around the boundaries that matter (ttl and grace of 60,
/// the clock moving by exactly a ttl or a delay, limits of 1 and the maximum) so expiry edges are hit often; values
/// out of range come now and then, so each refusal is checked too.
/// </summary>
public static class ModelGenerators
{
    /// <summary>The longest sequence generated.</summary>
    public const int MaxOps = 50;

    private static readonly string[] Queues = ["q1", "q2"];

    /// <summary>Sequences of 1 to <see cref="MaxOps"/> operations; shrinking drops operations.</summary>
    public static Arbitrary<ModelOp[]> Sequences() =>
        Arb.From(
            Gen.Choose(1, MaxOps).SelectMany(length => Gen.ArrayOf(Op(), length)),
            Shrink);

    private static IEnumerable<ModelOp[]> Shrink(ModelOp[] ops)
    {
        if (ops.Length > 1)
        {
            yield return ops[..(ops.Length / 2)];
            yield return ops[(ops.Length / 2)..];
        }

        for (var i = ops.Length - 1; i >= 0; i--)
        {
            yield return [.. ops[..i], .. ops[(i + 1)..]];
        }
    }

    private static Gen<int?> Maybe(Gen<int> value) => Gen.Frequency((1, Gen.Constant<int?>(null)), (2, value.Select(v => (int?)v)));

    // Out-of-range values one time in ten: enough to check every refusal, rare enough that most steps change state.
    private static Gen<T> Mostly<T>(Gen<T> valid, Gen<T> invalid) => Gen.Frequency((9, valid), (1, invalid));

    private static Gen<ModelOp> Op()
    {
        var queue = Gen.Elements(Queues);
        var client = Gen.Choose(0, 1);
        var pick = Gen.Choose(0, 1000);
        var flag = Gen.Elements(true, false);
        // Per message, so rarer: one bad message refuses its whole batch.
        var messageTtl = Gen.Frequency((40, Gen.Elements<int?>(null, 60, 60, 61, 120, 600)), (1, Gen.Elements<int?>(59, 1_209_601)));
        var delay = Gen.Frequency((40, Gen.Elements<int?>(null, 0, 0, 0, 30, 60)), (1, Gen.Elements<int?>(901, -1)));
        var claimTtl = Mostly(Gen.Elements<int?>(null, 60, 60, 120), Gen.Elements<int?>(59));
        var grace = Mostly(Gen.Elements<int?>(null, 60, 60, 90), Gen.Elements<int?>(43_201, 59));
        var picks = Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(pick, n));
        var batch = Gen.Choose(1, 4).SelectMany(n => Gen.ArrayOf(messageTtl.Zip(delay, (t, d) => (t, d)), n));
        return Gen.Frequency(
            (3, queue.Select(q => (ModelOp)new CreateQueueOp(q))),
            (1, queue.Select(q => (ModelOp)new DeleteQueueOp(q))),
            (16, from q in queue from c in client from b in batch select (ModelOp)new PostOp(q, c, b)),
            (12, from q in queue
                 from c in client
                 from m in Maybe(pick)
                 from l in Mostly(Gen.Elements<int?>(null, 1, 2, 3, 5), Gen.Elements<int?>(0, 21))
                 from e in flag
                 from ic in flag
                 from id in flag
                 select (ModelOp)new ListOp(q, c, m, l, e, ic, id)),
            (3, from q in queue from p in picks select (ModelOp)new GetManyOp(q, p)),
            (10, from q in queue
                 from l in Mostly(Gen.Elements<int?>(null, 1, 2, 3), Gen.Elements<int?>(0, 21))
                 from t in claimTtl
                 from g in grace
                 select (ModelOp)new ClaimOp(q, l, t, g)),
            (4, from q in queue from p in pick select (ModelOp)new GetClaimOp(q, p)),
            (4, from q in queue from p in pick from t in claimTtl from g in grace select (ModelOp)new RenewClaimOp(q, p, t, g)),
            (4, from q in queue from p in pick select (ModelOp)new ReleaseClaimOp(q, p)),
            (7, from q in queue from p in pick from c in Maybe(pick) select (ModelOp)new DeleteOp(q, p, c)),
            (3, from q in queue from p in picks select (ModelOp)new DeleteManyOp(q, p)),
            (4, from q in queue from n in Mostly(Gen.Elements(1, 2, 3), Gen.Elements(0, 21)) select (ModelOp)new PopOp(q, n)),
            (5, queue.Select(q => (ModelOp)new StatsOp(q))),
            (10, Mostly(Gen.Elements(1, 29, 30, 59, 60, 61, 90, 120), Gen.Elements(600, 3600)).Select(s => (ModelOp)new AdvanceOp(s))),
            (2, Gen.Constant((ModelOp)new ReopenOp())));
    }
}
