using System.Text;
using System.Text.RegularExpressions;
using Marconi.Core;
using Marconi.Http.Api;
using Xunit.Abstractions;

namespace Marconi.Tests.Http.Api;

/// <summary>
/// For every endpoint, project A (the attacker) uses project B's queue name, message ids, markers, claim ids,
/// subscription ids and signed URL. The answer must be exactly what A gets for resources that exist nowhere (same status,
/// headers and body once ids are named by role), both when A has no queue of that name and when A has its own, and B's
/// data must be unchanged afterwards. Two controls: ids issued and deleted in a third project (same form, same place in
/// the sequence) and, where ids are not positions, never-issued random ids.
/// </summary>
public sealed partial class TenantMatrixTests : ApiTestBase
{
    private const string Queue = "q";
    private const string UnknownQueue = "unknownqueue0";
    private const string Victim = "project-b";
    private const string Scratch = "project-scratch";
    private const string VictimSecret = "victim-secret";
    private const string PatchType = "application/openstack-messaging-v2.0-json-patch";

    private static readonly Dictionary<string, TenantMatrixRow> RowsByName = BuildRows().ToDictionary(r => r.ToString());

    private readonly ITestOutputHelper _output;

    public TenantMatrixTests(ITestOutputHelper output) => _output = output;

    protected override ZaqarApiOptions? Options => new() { SignedUrlSecretKey = "tenant-matrix-key" };

    public static TheoryData<string, bool> Matrix
    {
        get
        {
            var data = new TheoryData<string, bool>();
            foreach (var name in RowsByName.Keys)
            {
                data.Add(name, false);
                data.Add(name, true);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Another_projects_ids_answer_exactly_as_unknown_ones_and_change_nothing(string row, bool attackerHasTheQueue)
    {
        var endpoint = RowsByName[row];
        var victim = await CreateVictimAsync();
        var deleted = await CreateDeletedIdsAsync();
        var before = await SnapshotVictimAsync(victim);

        var attack = await SendAsAsync("attacker", endpoint, victim, attackerHasTheQueue, Queue);
        var controls = new List<Observed>
        {
            await SendAsAsync("control-deleted", endpoint, deleted, attackerHasTheQueue, endpoint.QueueLevel && !attackerHasTheQueue ? UnknownQueue : Queue),
        };
        if (!endpoint.Positional)
        {
            controls.Add(await SendAsAsync("control-random", endpoint, RandomIds(victim), attackerHasTheQueue, endpoint.QueueLevel && !attackerHasTheQueue ? UnknownQueue : Queue));
        }

        _output.WriteLine($"{row} (attacker {(attackerHasTheQueue ? "has" : "lacks")} the queue) -> {attack.Status}");

        // A refusal from another project is 404, or whatever the same request gets for a resource that exists nowhere
        // (Zaqar answers some deletes of unknown resources 204): never a 2xx that carries B's data.
        foreach (var control in controls)
        {
            if (endpoint.Opaque)
            {
                Assert.Equal(control.Status, attack.Status);
                Assert.Equal(control.Keys, attack.Keys);
            }
            else
            {
                Assert.Equal(control.Normalized, attack.Normalized);
            }
        }

        // Echoing an id the attacker sent is no leak; B's bodies, metadata and subscriber are.
        foreach (var secret in new[] { VictimSecret, "victim-owner", "/victim" })
        {
            Assert.DoesNotContain(secret, attack.Raw, StringComparison.Ordinal);
        }

        Assert.Equal(before, await SnapshotVictimAsync(victim));
    }

    [Theory]
    [InlineData("GET /v2/queues/{q}/messages/{msg}")]
    [InlineData("GET /v1.1/queues/{q}/claims/{claim}")]
    [InlineData("GET /v2/queues/{q}/subscriptions/{sub}")]
    [InlineData("GET /v1/queues/{q}/metadata")]
    [InlineData("GET /v2/queues/{q}/messages?marker={marker}&echo=true&include_claimed=true")]
    [InlineData("GET /v2/queues/{q}/messages?echo=true (signed)")]
    public async Task The_comparison_tells_the_owner_apart_from_a_stranger(string row)
    {
        // Guards the comparison: B itself, sending the same request, must get an answer unlike the unknown-id control,
        // or the matrix could not see a leak either.
        var endpoint = RowsByName[row];
        var victim = await CreateVictimAsync();
        var deleted = await CreateDeletedIdsAsync();

        var owner = await SendAsAsync("owner", endpoint, victim, ownQueue: false, Queue, project: Victim);
        var control = await SendAsAsync("control-deleted", endpoint, deleted, ownQueue: false, endpoint.QueueLevel ? UnknownQueue : Queue);

        Assert.NotEqual(control.Normalized, owner.Normalized);
        Assert.Contains(owner.Status, new[] { 200, 204 });
    }

    [Fact]
    public void The_matrix_covers_every_route_kind_in_both_versions()
    {
        // Guards the matrix itself: a row set that lost an endpoint would pass vacuously.
        var paths = RowsByName.Values.Select(r => $"{r.Method} {Regex.Replace(r.Path, @"\?.*", string.Empty)}").ToHashSet();
        foreach (var version in new[] { "v2", "v1.1" })
        {
            foreach (var expected in new[]
            {
                "GET /{v}/queues/{q}", "PUT /{v}/queues/{q}", "DELETE /{v}/queues/{q}", "GET /{v}/queues/{q}/stats",
                "GET /{v}/queues/{q}/messages", "GET /{v}/queues/{q}/messages/{msg}", "DELETE /{v}/queues/{q}/messages/{msg}",
                "DELETE /{v}/queues/{q}/messages", "POST /{v}/queues/{q}/claims", "GET /{v}/queues/{q}/claims/{claim}",
                "PATCH /{v}/queues/{q}/claims/{claim}", "DELETE /{v}/queues/{q}/claims/{claim}",
            })
            {
                Assert.Contains(expected.Replace("{v}", version, StringComparison.Ordinal), paths);
            }
        }

        foreach (var expected in new[]
        {
            "PATCH /v2/queues/{q}", "POST /v2/queues/{q}/purge", "POST /v2/queues/{q}/share", "GET /v2/queues/{q}/subscriptions",
            "GET /v2/queues/{q}/subscriptions/{sub}", "PATCH /v2/queues/{q}/subscriptions/{sub}",
            "DELETE /v2/queues/{q}/subscriptions/{sub}", "PUT /v2/queues/{q}/subscriptions/{sub}/confirm",
            "GET /v1/queues/{q}/metadata", "PUT /v1/queues/{q}/metadata",
        })
        {
            Assert.Contains(expected, paths);
        }

        Assert.Contains(RowsByName.Values, r => r.UseSignedUrl && r.Method == "GET");
        Assert.Contains(RowsByName.Values, r => r.UseSignedUrl && r.Method == "POST");
    }

    private static IEnumerable<TenantMatrixRow> BuildRows()
    {
        foreach (var v in new[] { "v2", "v1.1" })
        {
            yield return new("GET", $"/{v}/queues/{{q}}", QueueLevel: true);
            yield return new("PUT", $"/{v}/queues/{{q}}", """{"x": 1}""", QueueLevel: true);
            yield return new("DELETE", $"/{v}/queues/{{q}}", QueueLevel: true);
            yield return new("GET", $"/{v}/queues/{{q}}/stats", QueueLevel: true);
            yield return new("GET", $"/{v}/queues?detailed=true", QueueLevel: true);
            yield return new("GET", $"/{v}/queues/{{q}}/messages?marker={{marker}}&echo=true&include_claimed=true", Positional: true);
            yield return new("GET", $"/{v}/queues/{{q}}/messages/{{msg}}");
            yield return new("GET", $"/{v}/queues/{{q}}/messages/{{claimed}}");
            yield return new("DELETE", $"/{v}/queues/{{q}}/messages/{{msg}}");
            yield return new("DELETE", $"/{v}/queues/{{q}}/messages/{{claimed}}?claim_id={{claim}}");
            yield return new("DELETE", $"/{v}/queues/{{q}}/messages/{{msg}}?claim_id={{claim}}");
            yield return new("GET", $"/{v}/queues/{{q}}/messages?ids={{msg}},{{msg2}},{{claimed}}");
            yield return new("DELETE", $"/{v}/queues/{{q}}/messages?ids={{msg}},{{msg2}}");
            yield return new("DELETE", $"/{v}/queues/{{q}}/messages?pop=3");
            yield return new("POST", $"/{v}/queues/{{q}}/claims?limit=5", """{"ttl": 60, "grace": 60}""");
            yield return new("GET", $"/{v}/queues/{{q}}/claims/{{claim}}");
            yield return new("PATCH", $"/{v}/queues/{{q}}/claims/{{claim}}", """{"ttl": 100, "grace": 100}""");
            yield return new("DELETE", $"/{v}/queues/{{q}}/claims/{{claim}}");
        }

        yield return new("PATCH", "/v2/queues/{q}", """[{"op": "add", "path": "/metadata/x", "value": 2}]""", PatchType, QueueLevel: true);
        yield return new("POST", "/v2/queues/{q}/purge", """{"resource_types": ["messages", "subscriptions"]}""", QueueLevel: true);
        yield return new("POST", "/v2/queues/{q}/share", """{"paths": ["messages"], "methods": ["GET"]}""", QueueLevel: true, Opaque: true);
        yield return new("GET", "/v2/queues/{q}/subscriptions?marker={sub}", Positional: true);
        yield return new("GET", "/v2/queues/{q}/subscriptions/{sub}");
        yield return new("PATCH", "/v2/queues/{q}/subscriptions/{sub}", """{"ttl": 1000}""");
        yield return new("DELETE", "/v2/queues/{q}/subscriptions/{sub}");
        yield return new("PUT", "/v2/queues/{q}/subscriptions/{sub}/confirm", """{"confirmed": true}""");

        yield return new("GET", "/v1/queues/{q}", QueueLevel: true);
        yield return new("HEAD", "/v1/queues/{q}", QueueLevel: true);
        yield return new("GET", "/v1/queues/{q}/metadata", QueueLevel: true);
        yield return new("PUT", "/v1/queues/{q}/metadata", """{"x": 3}""", QueueLevel: true);
        yield return new("GET", "/v1/queues/{q}/stats", QueueLevel: true);
        yield return new("GET", "/v1/queues/{q}/messages/{msg}");
        yield return new("DELETE", "/v1/queues/{q}/messages/{claimed}?claim_id={claim}");
        yield return new("GET", "/v1/queues/{q}/claims/{claim}");

        // B's pre-signed URL presented by A: it is bound to B's project, so to A it is a bad signature like any other.
        yield return new("GET", "/v2/queues/{q}/messages?echo=true", UseSignedUrl: true);
        yield return new("POST", "/v2/queues/{q}/messages", """{"messages": [{"body": "from a", "ttl": 300}]}""", UseSignedUrl: true);
        yield return new("POST", "/v2/queues/{q}/claims", """{"ttl": 60, "grace": 60}""", UseSignedUrl: true);
        yield return new("DELETE", "/v2/queues/{q}/messages/{msg}", UseSignedUrl: true);
    }

    /// <summary>B's queue with metadata, four messages (two claimed), a subscription and a signed URL.</summary>
    private async Task<TenantIds> CreateVictimAsync()
    {
        Assert.Equal(201, (await SendAsync("PUT", $"/v2/queues/{Queue}", """{"owner": "victim-owner"}""", Victim)).Status);
        var bodies = Enumerable.Range(0, 4).Select(i => $$"""{"body": "{{VictimSecret}}-{{i}}", "ttl": 300}""");
        var messages = await PostMessagesAsync(Queue, "[" + string.Join(",", bodies) + "]", Victim);
        var claim = await ClaimAsync(Victim, 2);
        var sub = await SubscribeAsync(Victim, "http://127.0.0.1:9/victim");
        var share = await SendAsync("POST", $"/v2/queues/{Queue}/share", """{"paths": ["messages", "claims"], "methods": ["GET", "POST", "DELETE"]}""", Victim);
        Assert.True(share.Status == 200, share.ToString());
        var json = share.Json;
        var signed = new (string, string?)[]
        {
            ("URL-Signature", json.GetProperty("signature").GetString()),
            ("URL-Expires", json.GetProperty("expires").GetString()),
            ("URL-Methods", string.Join(",", json.GetProperty("methods").EnumerateArray().Select(m => m.GetString()))),
            ("URL-Paths", string.Join(",", json.GetProperty("paths").EnumerateArray().Select(m => m.GetString()))),
        };
        return new TenantIds(Msg: messages[2], Msg2: messages[3], Claimed: messages[0], Claim: claim, Sub: sub, Marker: messages[1], Signed: signed);
    }

    /// <summary>Ids of the same form issued right after B's, in a third project, then deleted: resources that exist nowhere.</summary>
    private async Task<TenantIds> CreateDeletedIdsAsync()
    {
        var messages = await PostNumberedAsync(Queue, 4, Scratch);
        var claim = await ClaimAsync(Scratch, 2);
        var sub = await SubscribeAsync(Scratch, "http://127.0.0.1:9/scratch");
        Assert.Equal(204, (await SendAsync("DELETE", $"/v2/queues/{Queue}", project: Scratch)).Status);
        return new TenantIds(messages[2], messages[3], messages[0], claim, sub, messages[1], ForgedSignature(null));
    }

    /// <summary>Well-formed ids of this store that were never issued.</summary>
    private static TenantIds RandomIds(TenantIds victim)
    {
        var tag = Convert.ToUInt32(victim.Msg[16..], 16);
        string Next() => ResourceIds.Format(Random.Shared.NextInt64(1L << 40, 1L << 50), tag);
        return new TenantIds(Next(), Next(), Next(), Next(), Next(), Next(), ForgedSignature(victim.Signed));
    }

    /// <summary>The victim's signed-URL headers with a signature nobody issued (or a made-up set when there is none to copy).</summary>
    private static (string, string?)[] ForgedSignature((string, string?)[]? signed)
    {
        var forged = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        return signed is null
            ? [("URL-Signature", forged), ("URL-Expires", "2030-01-16T12:00:00"), ("URL-Methods", "DELETE,GET,POST"), ("URL-Paths", "/v2/queues/q/claims,/v2/queues/q/messages")]
            : [.. signed.Select(h => h.Item1 == "URL-Signature" ? (h.Item1, forged) : h)];
    }

    /// <summary>Sends <paramref name="row"/> from a fresh project (with its own queue q, three messages, a claim and a subscription when asked), with <paramref name="ids"/> filled in.</summary>
    private async Task<Observed> SendAsAsync(string role, TenantMatrixRow row, TenantIds ids, bool ownQueue, string queue, string? project = null)
    {
        project ??= $"{role}-{Guid.NewGuid():N}";
        var names = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ids.Msg] = "<msg>",
            [ids.Msg2] = "<msg2>",
            [ids.Claimed] = "<claimed>",
            [ids.Claim] = "<claim>",
            [ids.Sub] = "<sub>",
            [ids.Marker] = "<marker>",
        };
        if (ownQueue)
        {
            Assert.Equal(201, (await SendAsync("PUT", $"/v2/queues/{Queue}", """{"owner": "a"}""", project)).Status);
            var own = await PostNumberedAsync(Queue, 3, project);
            var ownClaim = await ClaimAsync(project, 1);
            var ownSub = await SubscribeAsync(project, "http://127.0.0.1:9/own");
            for (var i = 0; i < own.Count; i++)
            {
                names[own[i]] = $"<own-msg-{i}>";
            }

            names[ownClaim] = "<own-claim>";
            names[ownSub] = "<own-sub>";
        }

        var path = Fill(row.Path, ids, queue);
        var headers = new List<(string, string?)>();
        if (row.ContentType is not null)
        {
            headers.Add(("Content-Type", row.ContentType));
        }

        if (row.UseSignedUrl)
        {
            headers.AddRange(ids.Signed);
        }

        var response = await SendAsync(row.Method, path, row.Body is null ? null : Fill(row.Body, ids, queue), project, ClientId, [.. headers]);
        var raw = new StringBuilder().Append(response.Status).Append('\n');
        foreach (var (name, value) in response.Headers.OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase))
        {
            raw.Append(name).Append(": ").Append(value).Append('\n');
        }

        raw.Append(response.Text);
        var text = raw.ToString();
        // The project first: its name holds a GUID whose hex would otherwise read as an id.
        var normalized = IdPattern().Replace(text.Replace(project, "<project>", StringComparison.Ordinal), m => names.TryGetValue(m.Value, out var name) ? name : "<new>")
            .Replace(UnknownQueue, Queue, StringComparison.Ordinal);
        var keys = response.Body.Length > 0 && response.Body[0] == (byte)'{' ? string.Join(",", Keys(response.Json)) : string.Empty;
        return new Observed(response.Status, text, normalized, keys);
    }

    private static string Fill(string template, TenantIds ids, string queue) => template
        .Replace("{q}", queue, StringComparison.Ordinal)
        .Replace("{msg}", ids.Msg, StringComparison.Ordinal)
        .Replace("{msg2}", ids.Msg2, StringComparison.Ordinal)
        .Replace("{claimed}", ids.Claimed, StringComparison.Ordinal)
        .Replace("{claim}", ids.Claim, StringComparison.Ordinal)
        .Replace("{sub}", ids.Sub, StringComparison.Ordinal)
        .Replace("{marker}", ids.Marker, StringComparison.Ordinal);

    /// <summary>Everything B can read about its queue, as B reads it.</summary>
    private async Task<string> SnapshotVictimAsync(TenantIds victim)
    {
        var snapshot = new StringBuilder();
        foreach (var path in new[]
        {
            "/v2/queues?detailed=true",
            $"/v2/queues/{Queue}",
            $"/v2/queues/{Queue}/stats",
            $"/v2/queues/{Queue}/messages?echo=true&include_claimed=true&limit=20",
            $"/v2/queues/{Queue}/claims/{victim.Claim}",
            $"/v2/queues/{Queue}/subscriptions",
            $"/v2/queues/{Queue}/subscriptions/{victim.Sub}",
        })
        {
            var response = await GetAsync(path, Victim);
            snapshot.Append(path).Append(' ').Append(response.Status).Append(' ').Append(response.Text).Append('\n');
        }

        return snapshot.ToString();
    }

    private async Task<string> ClaimAsync(string project, int limit)
    {
        var response = await SendAsync("POST", $"/v2/queues/{Queue}/claims?limit={limit}", """{"ttl": 300, "grace": 300}""", project);
        Assert.True(response.Status == 201, response.ToString());
        return response.Header("Location")!.Split('/')[^1];
    }

    private async Task<string> SubscribeAsync(string project, string subscriber)
    {
        var response = await SendAsync("POST", $"/v2/queues/{Queue}/subscriptions", $$"""{"subscriber": "{{subscriber}}", "ttl": 3600}""", project);
        Assert.True(response.Status == 201, response.ToString());
        return response.Json.GetProperty("subscription_id").GetString()!;
    }

    [GeneratedRegex("[0-9a-f]{24}")]
    private static partial Regex IdPattern();

    private sealed record TenantIds(string Msg, string Msg2, string Claimed, string Claim, string Sub, string Marker, (string, string?)[] Signed);

    private sealed record Observed(int Status, string Raw, string Normalized, string Keys);
}
