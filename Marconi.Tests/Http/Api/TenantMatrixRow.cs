namespace Marconi.Tests.Http.Api;

/// <summary>
/// One endpoint of the tenant matrix. <see cref="Path"/> and <see cref="Body"/> are templates: {q} the queue, {msg} and
/// {msg2} unclaimed messages, {claimed} a claimed message, {claim} its claim, {sub} a subscription, {marker} a message
/// used as a page marker.
/// </summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">Path and query template.</param>
/// <param name="Body">Body template, if any.</param>
/// <param name="ContentType">Content-Type to send, if any.</param>
/// <param name="QueueLevel">The resource is the queue name itself, so an unknown queue name is the control.</param>
/// <param name="Positional">Ids act as positions (markers), so the control must be an id from the same place in the sequence.</param>
/// <param name="UseSignedUrl">Sent with the other project's signed-URL headers.</param>
/// <param name="Opaque">The answer carries per-project values (a signature), so only status and shape are compared.</param>
public sealed record TenantMatrixRow(
    string Method,
    string Path,
    string? Body = null,
    string? ContentType = null,
    bool QueueLevel = false,
    bool Positional = false,
    bool UseSignedUrl = false,
    bool Opaque = false)
{
    public override string ToString() => $"{Method} {Path}{(UseSignedUrl ? " (signed)" : string.Empty)}";
}
