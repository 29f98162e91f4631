using System.Text;
using System.Text.Json;
using Marconi.Core.Errors;
using Marconi.Core.Model;
using Marconi.Tests.Support;

namespace Marconi.Tests.Engine;

/// <summary>Queue metadata: size limit, reserved keys and their effect, replace-all and patch.</summary>
public class MetadataTests : EngineTestBase
{
    private const int MetadataLimit = 64 * 1024;

    /// <summary>A metadata object of exactly <paramref name="size"/> bytes: <c>{"pad":"xxx..."}</c>.</summary>
    private static byte[] MetadataOfSize(int size)
    {
        const string Prefix = "{\"pad\":\"";
        const string Suffix = "\"}";
        var json = Prefix + new string('x', size - Prefix.Length - Suffix.Length) + Suffix;
        var bytes = Encoding.UTF8.GetBytes(json);
        Assert.Equal(size, bytes.Length);
        return bytes;
    }

    private static MetadataPatchOperation Add(string key, string json) => new(MetadataPatchOp.Add, key, Encoding.UTF8.GetBytes(json));

    private static MetadataPatchOperation Replace(string key, string json) => new(MetadataPatchOp.Replace, key, Encoding.UTF8.GetBytes(json));

    private static MetadataPatchOperation Remove(string key) => new(MetadataPatchOp.Remove, key, default);

    private async Task<JsonElement> MetadataAsync(string queue, string project = Project) => Json(await Engine.GetQueueMetadataAsync(project, queue));

    [Fact]
    public async Task Metadata_of_exactly_64_KiB_is_accepted()
    {
        var metadata = MetadataOfSize(MetadataLimit);
        Assert.True(await Engine.CreateQueueAsync(Project, "big", metadata));
        Assert.Equal(MetadataLimit - 10, (await MetadataAsync("big")).GetProperty("pad").GetString()!.Length);

        await Engine.ReplaceQueueMetadataAsync(Project, "big", MetadataOfSize(MetadataLimit));
    }

    [Fact]
    public async Task Metadata_of_64_KiB_plus_one_byte_is_rejected_on_create_and_replace()
    {
        var error = await AssertQueueError(QueueErrorKind.LimitExceeded, () => Engine.CreateQueueAsync(Project, "big", MetadataOfSize(MetadataLimit + 1)));
        Assert.Equal("metadata", error.Field);
        Assert.Equal(MetadataLimit, error.Limit);
        Assert.False(await Engine.QueueExistsAsync(Project, "big"));

        await Engine.CreateQueueAsync(Project, "big", Utf8("""{"a":1}"""));
        error = await AssertQueueError(QueueErrorKind.LimitExceeded, () => Engine.ReplaceQueueMetadataAsync(Project, "big", MetadataOfSize(MetadataLimit + 1)));
        Assert.Equal(MetadataLimit, error.Limit);
        Assert.Equal(1, (await MetadataAsync("big")).GetProperty("a").GetInt32());
    }

    [Fact]
    public async Task A_patch_that_would_grow_metadata_past_64_KiB_is_rejected_and_changes_nothing()
    {
        await Engine.CreateQueueAsync(Project, "big", MetadataOfSize(MetadataLimit - 100));
        var error = await AssertQueueError(QueueErrorKind.LimitExceeded, () => Engine.PatchQueueMetadataAsync(Project, "big", [Add("more", $"\"{new string('y', 200)}\"")]));
        Assert.Equal(MetadataLimit, error.Limit);
        Assert.False((await MetadataAsync("big")).TryGetProperty("more", out _));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("{")]
    [InlineData("{\"a\":1} {}")]
    public async Task Metadata_must_be_one_JSON_object(string json)
    {
        await AssertInvalid("metadata", () => Engine.CreateQueueAsync(Project, "q", Utf8(json)));
        Assert.False(await Engine.QueueExistsAsync(Project, "q"));
    }

    [Fact]
    public async Task Get_shows_stored_keys_and_every_reserved_key_with_its_effective_value()
    {
        await Engine.CreateQueueAsync(Project, "q", Utf8("""{"owner":"ops","nested":{"a":[1,2]}}"""));
        var metadata = await MetadataAsync("q");

        Assert.Equal("ops", metadata.GetProperty("owner").GetString());
        Assert.Equal("[1,2]", metadata.GetProperty("nested").GetProperty("a").GetRawText());
        Assert.Equal(262144, metadata.GetProperty("_max_messages_post_size").GetInt32());
        Assert.Equal(3600, metadata.GetProperty("_default_message_ttl").GetInt32());
        Assert.Equal(0, metadata.GetProperty("_default_message_delay").GetInt32());
        Assert.Equal(JsonValueKind.Null, metadata.GetProperty("_max_claim_count").ValueKind);
        Assert.Equal(JsonValueKind.Null, metadata.GetProperty("_dead_letter_queue").ValueKind);
        Assert.Equal(JsonValueKind.Null, metadata.GetProperty("_dead_letter_queue_messages_ttl").ValueKind);
    }

    [Fact]
    public async Task Get_of_a_missing_queue_answers_the_defaults()
    {
        var metadata = await MetadataAsync("missing");
        Assert.Equal(3600, metadata.GetProperty("_default_message_ttl").GetInt32());
        Assert.Equal(262144, metadata.GetProperty("_max_messages_post_size").GetInt32());
        Assert.False(metadata.GetProperty("_enable_encrypt_messages").GetBoolean());
        Assert.Equal(7, metadata.EnumerateObject().Count());
    }

    [Fact]
    public async Task Reserved_keys_that_are_set_show_their_values()
    {
        await Engine.CreateQueueAsync(Project, "q", Utf8("""
            {"_max_messages_post_size":1000,"_default_message_ttl":120,"_default_message_delay":30,
             "_max_claim_count":3,"_dead_letter_queue":"dead","_dead_letter_queue_messages_ttl":600}
            """));
        var metadata = await MetadataAsync("q");
        Assert.Equal(1000, metadata.GetProperty("_max_messages_post_size").GetInt32());
        Assert.Equal(120, metadata.GetProperty("_default_message_ttl").GetInt32());
        Assert.Equal(30, metadata.GetProperty("_default_message_delay").GetInt32());
        Assert.Equal(3, metadata.GetProperty("_max_claim_count").GetInt32());
        Assert.Equal("dead", metadata.GetProperty("_dead_letter_queue").GetString());
        Assert.Equal(600, metadata.GetProperty("_dead_letter_queue_messages_ttl").GetInt32());
    }

    [Theory]
    [InlineData("_default_message_ttl", "59")]
    [InlineData("_default_message_ttl", "1209601")]
    [InlineData("_default_message_ttl", "\"3600\"")]
    [InlineData("_default_message_delay", "-1")]
    [InlineData("_default_message_delay", "901")]
    [InlineData("_max_messages_post_size", "0")]
    [InlineData("_max_messages_post_size", "262145")]
    [InlineData("_max_claim_count", "0")]
    [InlineData("_max_claim_count", "1.5")]
    [InlineData("_dead_letter_queue", "\"bad name\"")]
    [InlineData("_dead_letter_queue", "7")]
    [InlineData("_dead_letter_queue_messages_ttl", "59")]
    public async Task Reserved_keys_with_bad_values_are_rejected_naming_the_key(string key, string value)
    {
        await AssertInvalid(key, () => Engine.CreateQueueAsync(Project, "q", Utf8($"{{\"{key}\":{value}}}")));
        Assert.False(await Engine.QueueExistsAsync(Project, "q"));

        await Engine.CreateQueueAsync(Project, "q");
        await AssertInvalid(key, () => Engine.ReplaceQueueMetadataAsync(Project, "q", Utf8($"{{\"{key}\":{value}}}")));
        await AssertInvalid(key, () => Engine.PatchQueueMetadataAsync(Project, "q", [Add(key, value)]));
        Assert.Equal(7, (await MetadataAsync("q")).EnumerateObject().Count());
    }

    [Theory]
    [InlineData("_default_message_ttl", "60")]
    [InlineData("_default_message_ttl", "1209600")]
    [InlineData("_default_message_delay", "0")]
    [InlineData("_default_message_delay", "900")]
    [InlineData("_max_messages_post_size", "262144")]
    [InlineData("_dead_letter_queue_messages_ttl", "60")]
    public async Task Reserved_keys_accept_their_boundary_values(string key, string value)
    {
        await Engine.CreateQueueAsync(Project, "q", Utf8($"{{\"{key}\":{value}}}"));
        Assert.Equal(value, (await MetadataAsync("q")).GetProperty(key).GetRawText());
    }

    [Fact]
    public async Task Default_message_ttl_applies_to_messages_posted_without_one()
    {
        await Engine.CreateQueueAsync(Project, "q", Utf8("""{"_default_message_ttl":120}"""));
        var ids = await Engine.PostMessagesAsync(Project, "q", [Msg("1"), Msg("2", ttl: 300)], Poster);

        Assert.Equal(120, (await Engine.GetMessageAsync(Project, "q", ids[0])).Ttl);
        Assert.Equal(300, (await Engine.GetMessageAsync(Project, "q", ids[1])).Ttl);

        Advance(120);
        Assert.Equal([ids[1]], await AllIdsAsync("q"));
    }

    [Fact]
    public async Task Without_a_queue_default_the_message_ttl_is_3600()
    {
        var ids = await PostAsync("q", "1");
        Assert.Equal(3600, (await Engine.GetMessageAsync(Project, "q", ids[0])).Ttl);
    }

    [Fact]
    public async Task Default_message_delay_applies_to_messages_posted_without_one()
    {
        await Engine.CreateQueueAsync(Project, "q", Utf8("""{"_default_message_delay":30}"""));
        var ids = await Engine.PostMessagesAsync(Project, "q", [Msg("\"delayed\""), Msg("\"now\"", delay: 0)], Poster);

        Assert.Equal([ids[1]], (await ListAsync("q")).Messages.Select(m => m.Id));
        var claim = await Engine.ClaimMessagesAsync(Project, "q");
        Assert.Equal([ids[1]], claim!.Messages.Select(m => m.Id));

        Advance(29);
        Assert.Empty((await ListAsync("q")).Messages);
        Advance(1);
        Assert.Equal([ids[0]], (await ListAsync("q")).Messages.Select(m => m.Id));
    }

    [Fact]
    public async Task Max_messages_post_size_lowers_the_post_limit()
    {
        await Engine.CreateQueueAsync(Project, "q", Utf8("""{"_max_messages_post_size":100}"""));
        var body100 = "\"" + new string('a', 98) + "\"";
        await Engine.PostMessagesAsync(Project, "q", [Msg(body100)], Poster);

        var body101 = "\"" + new string('a', 99) + "\"";
        var error = await AssertQueueError(QueueErrorKind.LimitExceeded, () => Engine.PostMessagesAsync(Project, "q", [Msg(body101)], Poster));
        Assert.Equal(100, error.Limit);
        var split = await AssertQueueError(QueueErrorKind.LimitExceeded, () => Engine.PostMessagesAsync(Project, "q", [Msg(body100), Msg("1")], Poster));
        Assert.Equal(100, split.Limit);
        Assert.Single(await ListAllAsync("q"));
    }

    [Fact]
    public async Task Replace_all_swaps_the_whole_document()
    {
        await Engine.CreateQueueAsync(Project, "q", Utf8("""{"a":1,"b":2,"_default_message_ttl":120}"""));
        await Engine.ReplaceQueueMetadataAsync(Project, "q", Utf8("""{"c":3}"""));

        var metadata = await MetadataAsync("q");
        Assert.False(metadata.TryGetProperty("a", out _));
        Assert.False(metadata.TryGetProperty("b", out _));
        Assert.Equal(3, metadata.GetProperty("c").GetInt32());
        Assert.Equal(3600, metadata.GetProperty("_default_message_ttl").GetInt32());

        var ids = await PostAsync("q", "1");
        Assert.Equal(3600, (await Engine.GetMessageAsync(Project, "q", ids[0])).Ttl);
    }

    [Fact]
    public async Task Replace_and_patch_of_a_missing_queue_are_not_found()
    {
        await AssertQueueError(QueueErrorKind.NotFound, () => Engine.ReplaceQueueMetadataAsync(Project, "missing", Utf8("""{"a":1}""")));
        await AssertQueueError(QueueErrorKind.NotFound, () => Engine.PatchQueueMetadataAsync(Project, "missing", [Add("a", "1")]));
        Assert.False(await Engine.QueueExistsAsync(Project, "missing"));
    }

    [Fact]
    public async Task Patch_adds_replaces_and_removes_keys_and_returns_the_effective_metadata()
    {
        await Engine.CreateQueueAsync(Project, "q", Utf8("""{"keep":true,"old":"x","gone":1}"""));

        var returned = Json(await Engine.PatchQueueMetadataAsync(Project, "q",
        [
            Add("new", """{"deep":[1,"two"]}"""),
            Replace("old", "\"y\""),
            Remove("gone"),
            Add("_default_message_ttl", "90"),
        ]));

        var stored = await MetadataAsync("q");
        foreach (var metadata in new[] { returned, stored })
        {
            Assert.True(metadata.GetProperty("keep").GetBoolean());
            Assert.Equal("y", metadata.GetProperty("old").GetString());
            Assert.False(metadata.TryGetProperty("gone", out _));
            Assert.Equal("""{"deep":[1,"two"]}""", metadata.GetProperty("new").GetRawText());
            Assert.Equal(90, metadata.GetProperty("_default_message_ttl").GetInt32());
            Assert.Equal(0, metadata.GetProperty("_default_message_delay").GetInt32());
        }

        var ids = await PostAsync("q", "1");
        Assert.Equal(90, (await Engine.GetMessageAsync(Project, "q", ids[0])).Ttl);
    }

    [Fact]
    public async Task Patch_add_of_an_existing_key_overwrites_it()
    {
        await Engine.CreateQueueAsync(Project, "q", Utf8("""{"a":1}"""));
        await Engine.PatchQueueMetadataAsync(Project, "q", [Add("a", "2")]);
        Assert.Equal(2, (await MetadataAsync("q")).GetProperty("a").GetInt32());
    }

    [Fact]
    public async Task Patch_replace_or_remove_of_a_missing_key_is_a_conflict_and_changes_nothing()
    {
        await Engine.CreateQueueAsync(Project, "q", Utf8("""{"a":1}"""));

        await AssertQueueError(QueueErrorKind.Conflict, () => Engine.PatchQueueMetadataAsync(Project, "q", [Replace("missing", "1")]));
        await AssertQueueError(QueueErrorKind.Conflict, () => Engine.PatchQueueMetadataAsync(Project, "q", [Remove("missing")]));
        // A patch is atomic: the add before the failing remove is not applied either.
        await AssertQueueError(QueueErrorKind.Conflict, () => Engine.PatchQueueMetadataAsync(Project, "q", [Add("b", "2"), Remove("a"), Remove("missing")]));

        var metadata = await MetadataAsync("q");
        Assert.Equal(1, metadata.GetProperty("a").GetInt32());
        Assert.False(metadata.TryGetProperty("b", out _));
        Assert.False(metadata.TryGetProperty("missing", out _));
    }

    [Fact]
    public async Task Empty_patch_and_patch_values_that_are_not_JSON_are_rejected()
    {
        await Engine.CreateQueueAsync(Project, "q");
        await AssertInvalid("patch", () => Engine.PatchQueueMetadataAsync(Project, "q", []));
        await AssertInvalid("value", () => Engine.PatchQueueMetadataAsync(Project, "q", [Add("a", "not json")]));
        await AssertInvalid("path", () => Engine.PatchQueueMetadataAsync(Project, "q", [Add("", "1")]));
        Assert.False((await MetadataAsync("q")).TryGetProperty("a", out _));
    }

    [Fact]
    public async Task Removing_a_reserved_key_restores_its_default()
    {
        await Engine.CreateQueueAsync(Project, "q", Utf8("""{"_default_message_delay":60}"""));
        await Engine.PatchQueueMetadataAsync(Project, "q", [Remove("_default_message_delay")]);

        Assert.Equal(0, (await MetadataAsync("q")).GetProperty("_default_message_delay").GetInt32());
        var ids = await PostAsync("q", "1");
        Assert.Equal(ids, (await ListAsync("q")).Messages.Select(m => m.Id));
    }

    [Fact]
    public async Task Metadata_changes_do_not_touch_the_messages()
    {
        var ids = await PostNumberedAsync("q", 3);
        await Engine.ReplaceQueueMetadataAsync(Project, "q", Utf8("""{"x":1}"""));
        await Engine.PatchQueueMetadataAsync(Project, "q", [Add("y", "2")]);
        Assert.Equal(ids, await AllIdsAsync("q"));
    }
}
