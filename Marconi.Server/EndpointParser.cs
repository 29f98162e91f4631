using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Marconi.Server;

/// <summary>Parses HOST:PORT listen addresses: IPv4, [IPv6], "localhost", "*" (every address) or a resolvable host name.</summary>
internal static class EndpointParser
{
    public static IPEndPoint Parse(string text)
    {
        var value = text.Trim();
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || colon == value.Length - 1)
        {
            throw new SettingsException($"Invalid listen address '{text}': expected HOST:PORT.");
        }

        var host = value[..colon];
        if (!int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > IPEndPoint.MaxPort)
        {
            throw new SettingsException($"Invalid listen address '{text}': the port must be 0-65535.");
        }

        return new IPEndPoint(ParseHost(host, text), port);
    }

    private static IPAddress ParseHost(string host, string text)
    {
        if (host == "*")
        {
            return IPAddress.Any;
        }

        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        var bare = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        if (IPAddress.TryParse(bare, out var address))
        {
            if (address.AddressFamily == AddressFamily.InterNetworkV6 && bare == host)
            {
                throw new SettingsException($"Invalid listen address '{text}': write IPv6 addresses in brackets, e.g. [::1]:8888.");
            }

            return address;
        }

        try
        {
            var addresses = Dns.GetHostAddresses(host);
            return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.First();
        }
        catch (Exception ex) when (ex is SocketException or ArgumentException or InvalidOperationException)
        {
            throw new SettingsException($"Invalid listen address '{text}': cannot resolve host '{host}'.", ex);
        }
    }
}
