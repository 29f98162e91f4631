using System.Text;
using System.Text.Json;
using Marconi.Core;
using Marconi.Core.Errors;
using Marconi.Core.Model;

namespace Marconi.Tests.Support;

/// <summary>
/// Base of the engine test classes: a fresh <see cref="EngineHarness"/> per test (xunit creates one instance per test),
/// and small helpers to post, list and assert errors without noise.
/// </summary>
public abstract class EngineTestBase : IAsyncLifetime
{
    protected const string Project = "project-a";
    protected const string OtherProject = "project-b";

    /// <summary>The client id most tests post with; listings ask as <see cref="Reader"/> so they see these messages.</summary>
    protected static readonly Guid Poster = Guid.Parse("11111111-1111-1111-1111-111111111111");

    /// <summary>A different client id, used to read without needing echo.</summary>
    protected static readonly Guid Reader = Guid.Parse("22222222-2222-2222-2222-222222222222");

    private EngineHarness? _harness;

    protected EngineHarness Harness => _harness ?? throw new InvalidOperationException("The harness is not open.");

    protected QueueEngine Engine => Harness.Engine;

    /// <summary>Limits for this class's engine; null takes Zaqar's defaults.</summary>
    protected virtual QueueLimits? Limits => null;

    /// <summary>The Redis-protocol server of this class's store; null: the FASTER store. The contract suites override it.</summary>
    protected virtual StoreBackend? Backend => null;

    public async Task InitializeAsync() => _harness = await EngineHarness.CreateAsync(Limits, backend: Backend);

    public async Task DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    protected void Advance(double seconds) => Harness.AdvanceSeconds(seconds);

    protected static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    protected static string Text(ReadOnlyMemory<byte> utf8) => Encoding.UTF8.GetString(utf8.Span);

    protected static NewMessage Msg(string json, int? ttl = null, int? delay = null) => new(Utf8(json), ttl, delay);

    /// <summary>Posts one message per body (as one batch) and returns the ids.</summary>
    protected async Task<IReadOnlyList<string>> PostAsync(string queue, params string[] bodies) =>
        await Engine.PostMessagesAsync(Project, queue, bodies.Select(b => Msg(b)).ToArray(), Poster);

    /// <summary>Posts <paramref name="count"/> messages <c>{"n":i}</c>, i from <paramref name="first"/>, and returns the ids.</summary>
    protected async Task<IReadOnlyList<string>> PostNumberedAsync(string queue, int count, int first = 0, string project = Project, int? ttl = null)
    {
        var messages = Enumerable.Range(first, count).Select(i => Msg($"{{\"n\":{i}}}", ttl)).ToArray();
        return await Engine.PostMessagesAsync(project, queue, messages, Poster);
    }

    /// <summary>Lists one page as <see cref="Reader"/>.</summary>
    protected async Task<MessagePage> ListAsync(string queue, string? marker = null, int? limit = null, bool echo = false, bool includeClaimed = false, bool includeDelayed = false, string project = Project, Guid? client = null) =>
        await Engine.ListMessagesAsync(project, queue, client ?? Reader, new MessageListOptions
        {
            Marker = marker,
            Limit = limit,
            Echo = echo,
            IncludeClaimed = includeClaimed,
            IncludeDelayed = includeDelayed,
        });

    /// <summary>Every live message of the queue (claimed and delayed included), oldest first, following markers.</summary>
    protected async Task<List<QueuedMessage>> ListAllAsync(string queue, string project = Project, bool includeClaimed = true, bool includeDelayed = true)
    {
        var all = new List<QueuedMessage>();
        string? marker = null;
        for (var guard = 0; guard < 10_000; guard++)
        {
            var page = await ListAsync(queue, marker, limit: 20, echo: true, includeClaimed: includeClaimed, includeDelayed: includeDelayed, project: project);
            if (page.Messages.Count == 0)
            {
                return all;
            }

            all.AddRange(page.Messages);
            marker = page.NextMarker;
        }

        throw new InvalidOperationException("Listing did not end: the marker does not advance.");
    }

    /// <summary>The ids of every live message, oldest first.</summary>
    protected async Task<List<string>> AllIdsAsync(string queue, string project = Project) =>
        (await ListAllAsync(queue, project)).Select(m => m.Id).ToList();

    /// <summary>The <c>n</c> of a <c>{"n":i}</c> body.</summary>
    protected static int N(QueuedMessage message)
    {
        using var document = JsonDocument.Parse(message.Body);
        return document.RootElement.GetProperty("n").GetInt32();
    }

    /// <summary>A subscriber URI the subscription tests use by default.</summary>
    protected const string Hook = "http://127.0.0.1:9999/hook";

    /// <summary>Subscribes <paramref name="subscriber"/> to a queue.</summary>
    protected Task<SubscriptionCreation> SubscribeAsync(string subscriber = Hook, long? ttl = null, string? options = null, string queue = "q", string project = Project) =>
        Engine.CreateSubscriptionAsync(project, queue, subscriber, ttl, options is null ? default : Utf8(options)).AsTask();

    /// <summary>Parses a JSON document into a detached element.</summary>
    protected static JsonElement Json(ReadOnlyMemory<byte> utf8)
    {
        using var document = JsonDocument.Parse(utf8);
        return document.RootElement.Clone();
    }

    protected static async Task<QueueException> AssertQueueError(QueueErrorKind kind, Func<ValueTask> action)
    {
        var error = await Assert.ThrowsAsync<QueueException>(async () => await action());
        Assert.Equal(kind, error.Kind);
        return error;
    }

    protected static async Task<QueueException> AssertQueueError<T>(QueueErrorKind kind, Func<ValueTask<T>> action)
    {
        var error = await Assert.ThrowsAsync<QueueException>(async () => await action());
        Assert.Equal(kind, error.Kind);
        return error;
    }

    /// <summary>Asserts an invalid-argument error naming <paramref name="field"/>.</summary>
    protected static async Task<QueueException> AssertInvalid(string field, Func<ValueTask> action)
    {
        var error = await AssertQueueError(QueueErrorKind.InvalidArgument, action);
        Assert.Equal(field, error.Field);
        return error;
    }

    /// <summary>Asserts an invalid-argument error naming <paramref name="field"/>.</summary>
    protected static async Task<QueueException> AssertInvalid<T>(string field, Func<ValueTask<T>> action)
    {
        var error = await AssertQueueError(QueueErrorKind.InvalidArgument, action);
        Assert.Equal(field, error.Field);
        return error;
    }
}
