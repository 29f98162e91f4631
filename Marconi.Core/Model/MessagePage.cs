namespace Marconi.Core.Model;

/// <summary>One page of a message listing, oldest first.</summary>
/// <param name="Messages">The messages of this page.</param>
/// <param name="NextMarker">The marker for the next page: the id of the last message here, or the request's marker when the page is empty.</param>
public sealed record MessagePage(IReadOnlyList<QueuedMessage> Messages, string? NextMarker);
