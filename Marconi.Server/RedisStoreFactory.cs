using System.Globalization;
using Marconi.Core.Storage;
using Marconi.Pooling;
using Marconi.Storage.Redis;
using StackExchange.Redis;

namespace Marconi.Server;

/// <summary>
/// Opens <c>redis://[user:password@]HOST:PORT[/?option=value&amp;...]</c> as a <see cref="RedisQueueStore"/>; a bare
/// <c>HOST:PORT</c> among the options adds an endpoint (more cluster seeds or Sentinels). The options
/// are StackExchange.Redis configuration options (<c>password</c>, <c>user</c>, <c>ssl</c>, <c>sslHost</c>,
/// <c>connectTimeout</c>, <c>syncTimeout</c>, <c>serviceName</c>, ...), checked by its parser, plus Marconi's own
/// <c>prefix</c> (the first part of every key, so several deployments or pools share one Redis). The server's
/// <c>--store</c> also takes the options as a comma list after the address (see <see cref="StoreUriText.Normalize"/>).
/// </summary>
internal sealed class RedisStoreFactory : IQueueStoreFactory
{
    /// <summary>The option that sets <see cref="RedisQueueStoreOptions.KeyPrefix"/>.</summary>
    public const string PrefixOption = "prefix";

    /// <inheritdoc />
    public string Scheme => "redis";

    /// <inheritdoc />
    public void Validate(Uri uri) => Parse(uri);

    /// <inheritdoc />
    public async ValueTask<IQueueStore> OpenAsync(Uri uri, CancellationToken cancellationToken)
    {
        var (configuration, options) = Parse(uri);
        return await RedisQueueStore.ConnectAsync(configuration, options).ConfigureAwait(false);
    }

    /// <summary>host:port of a redis URI (no credentials), for messages that name the server.</summary>
    public static string Address(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return $"{uri.Host}:{(uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port).ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>The connection settings and store options a URI names; <see cref="ArgumentException"/> saying why when it names none.</summary>
    public static (ConfigurationOptions Configuration, RedisQueueStoreOptions Options) Parse(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri || !string.Equals(uri.Scheme, "redis", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException("A Redis store URI starts with redis://.", nameof(uri));
        }

        if (string.IsNullOrEmpty(uri.Host))
        {
            throw new ArgumentException("A Redis store URI names the server: redis://HOST:PORT.", nameof(uri));
        }

        if (uri.AbsolutePath is not ("/" or "") || uri.Fragment.Length > 0)
        {
            throw new ArgumentException(
                $"A Redis store URI has no path or fragment (got '{uri.AbsolutePath}{uri.Fragment}'); options go after the address: redis://HOST:PORT,option=value or redis://HOST:PORT/?option=value.",
                nameof(uri));
        }

        var prefix = new RedisQueueStoreOptions().KeyPrefix;
        var passThrough = new List<string> { Address(uri) };
        string? user = null;
        string? password = null;
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            user = NonEmpty(Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]));
            password = colon < 0 ? null : NonEmpty(Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]));
        }

        var query = uri.Query.StartsWith('?') ? uri.Query[1..] : uri.Query;
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            // A bare HOST:PORT is one more endpoint (cluster seeds, Sentinels); any other bare word is refused, since
            // StackExchange.Redis would take it for a host name.
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                var endpoint = Uri.UnescapeDataString(pair);
                passThrough.Add(IsEndpoint(endpoint)
                    ? endpoint
                    : throw new ArgumentException($"The Redis option '{endpoint}' is neither name=value nor HOST:PORT.", nameof(uri)));
                continue;
            }

            var name = Uri.UnescapeDataString(pair[..equals]);
            var value = Uri.UnescapeDataString(pair[(equals + 1)..]);
            if (name.Equals(PrefixOption, StringComparison.OrdinalIgnoreCase))
            {
                prefix = value.Length > 0 && !value.Contains('{', StringComparison.Ordinal) && !value.Contains('}', StringComparison.Ordinal)
                    ? value
                    : throw new ArgumentException("The Redis option 'prefix' needs a value without '{' or '}'.", nameof(uri));
            }
            else if (name.Equals("password", StringComparison.OrdinalIgnoreCase))
            {
                password = NonEmpty(value);
            }
            else if (name.Equals("user", StringComparison.OrdinalIgnoreCase))
            {
                user = NonEmpty(value);
            }
            else if (value.Contains(',', StringComparison.Ordinal) || name.Contains(',', StringComparison.Ordinal))
            {
                throw new ArgumentException($"The Redis option '{name}' cannot hold a comma.", nameof(uri));
            }
            else
            {
                passThrough.Add($"{name}={value}");
            }
        }

        ConfigurationOptions configuration;
        try
        {
            configuration = ConfigurationOptions.Parse(string.Join(',', passThrough));
        }
        catch (ArgumentException exception)
        {
            // Never echo the whole configuration: the message names only the option StackExchange.Redis refused.
            throw new ArgumentException($"Bad Redis option: {exception.Message}", nameof(uri), exception);
        }

        // Credentials are set directly, so a password may hold any character (percent-encoded in the URI).
        configuration.User = user;
        configuration.Password = password;
        return (configuration, new RedisQueueStoreOptions { KeyPrefix = prefix });
    }

    private static string? NonEmpty(string value) => value.Length == 0 ? null : value;

    private static bool IsEndpoint(string text)
    {
        var colon = text.LastIndexOf(':');
        return colon > 0
            && !text.Contains(',', StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            && port is > 0 and < 65536;
    }
}
