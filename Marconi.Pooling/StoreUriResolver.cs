using Marconi.Core.Storage;

namespace Marconi.Pooling;

/// <summary>Maps a pool URI to the factory of its scheme.</summary>
public sealed class StoreUriResolver
{
    private readonly Dictionary<string, IQueueStoreFactory> _factories = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates a resolver over the given drivers (one per scheme).</summary>
    public StoreUriResolver(IEnumerable<IQueueStoreFactory> factories)
    {
        ArgumentNullException.ThrowIfNull(factories);
        foreach (var factory in factories)
        {
            _factories.Add(factory.Scheme, factory);
        }
    }

    /// <summary>Parses and checks a pool URI; throws <see cref="ArgumentException"/> with the reason when it cannot be served.</summary>
    public Uri Validate(string uri)
    {
        if (string.IsNullOrWhiteSpace(uri) || !Uri.TryCreate(uri, UriKind.Absolute, out var parsed))
        {
            throw new ArgumentException($"'{uri}' is not a valid store URI.", nameof(uri));
        }

        if (!_factories.TryGetValue(parsed.Scheme, out var factory))
        {
            throw new ArgumentException($"No driver for {parsed.Scheme}:// in this build.", nameof(uri));
        }

        factory.Validate(parsed);
        return parsed;
    }

    /// <summary>
    /// The form two URIs of the same store share (scheme and host lower case, dot segments resolved, no trailing
    /// slash), so <c>file:///a/b/</c> and <c>file:///a/./b</c> are one pool; text that is no URI stays as it is.
    /// </summary>
    public static string Canonical(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return Uri.TryCreate(uri, UriKind.Absolute, out var parsed) ? parsed.AbsoluteUri.TrimEnd('/') : uri;
    }

    /// <summary>The schemes this resolver has a driver for, sorted.</summary>
    public IReadOnlyList<string> Schemes => [.. _factories.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Opens the store of a URI that passed <see cref="Validate"/>.</summary>
    public ValueTask<IQueueStore> OpenAsync(string uri, CancellationToken cancellationToken)
    {
        var parsed = Validate(uri);
        return _factories[parsed.Scheme].OpenAsync(parsed, cancellationToken);
    }
}
