using System.Text.Unicode;
using Marconi.Fuzz.Targets;

namespace Marconi.Tests.Fuzz;

/// <summary>
/// The crashes fuzzing found, each as its own test (the inputs are also in the corpus). Two bugs of one kind:
/// Utf8JsonReader checks neither the UTF-8 inside strings nor that <c>\u</c> escapes pair their surrogates, so a
/// body that passed the well-formedness check threw InvalidOperationException (a 500) from GetString on a property
/// name or a value, or was stored as queue metadata that then failed every GET. Such bodies are now malformed (400).
/// </summary>
public sealed class FuzzRegressionTests
{
    private static byte[] Bytes(string hex) => Convert.FromHexString(hex);

    [Theory]
    // [{"<0x8C>p": "add", "pith": "/metadata/x"}]: the patch operation's property name.
    [InlineData("metadata", "5B7B228C70223A2022616464222C202270697468223A20222F6D657461646174612F78227D5D")]
    // {"_dead_letter_queue": "d<0x81>q", ...}: a reserved metadata value read by the engine's validation.
    [InlineData("metadata", "7B225F646561645F6C65747465725F7175657565223A2022648171227D")]
    // {"{onfirme<0x81>": true}: the confirm body's property name.
    [InlineData("subscriptions", "7B227B6F6E6669726D6581223A20747275657D")]
    // {"resource_types<0x8C>": ["queueUs", 1]}: the purge body's property name.
    [InlineData("share-purge", "7B227265736F757263655F747970658C223A205B22717565755573222C20315D7D")]
    // {"expires": "<0xFD>ET"}: the share body's expiry string.
    [InlineData("share-purge", "7B2265787069726573223A2022FD4554227D")]
    public void Invalid_utf8_in_a_json_string_is_a_bad_request_not_a_crash(string target, string hex)
    {
        var input = Bytes(hex);
        Assert.False(Utf8.IsValid(input));
        FuzzTargets.Find(target)!.Run(input);
    }

    [Theory]
    [InlineData("metadata", """[{"op": "add", "path": "/metadata/\ud800", "value": 1}]""")]
    // Stored, this one made every later GET of the queue's metadata throw while writing the document out.
    [InlineData("metadata", """{"_dead_letter_queue": "\udc00x"}""")]
    [InlineData("share-purge", """{"resource_types": ["\ud800"]}""")]
    [InlineData("subscriptions", """{"subscriber": "\ud800"}""")]
    public void An_unpaired_surrogate_escape_is_a_bad_request_not_a_crash(string target, string json) =>
        FuzzTargets.Find(target)!.Run(System.Text.Encoding.UTF8.GetBytes(json));

    [Theory]
    [InlineData("7B2261223A2022FF227D", false)] // {"a": "<0xFF>"}
    [InlineData("7B2261223A20225C7564383030227D", false)] // {"a": "\ud800"}
    [InlineData("7B225C7564633030223A20317D", false)] // {"\udc00": 1}
    [InlineData("5B225C75643833645C6E225D", false)] // ["\ud83d\n"]: a high surrogate then another escape
    [InlineData("7B2261223A20225C75643833645C7564653030C3BF5C6E227D", true)] // {"a": "\ud83d\ude00ÿ\n"}
    [InlineData("5B312C20227A225D", true)] // [1, "z"]
    public void The_well_formedness_check_refuses_what_cannot_be_decoded(string hex, bool expected) =>
        Assert.Equal(expected, Marconi.Core.Validation.JsonValues.IsSingleValue(Bytes(hex)));
}
