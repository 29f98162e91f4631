using System.Net.Sockets;
using Marconi.Tests.Http.Server;

namespace Marconi.Tests.Http.Hostile;

/// <summary>A client that trickles bytes until the server closes on it, with every wait bounded.</summary>
internal static class SlowClient
{
    /// <summary>
    /// Sends <paramref name="bytes"/> one at a time, <paramref name="interval"/> apart, until the server closes the
    /// connection or all are sent; returns what the server sent before closing (the whole wait is bounded by the client's timeout).
    /// </summary>
    public static async Task<byte[]> TrickleUntilClosedAsync(RawHttpClient client, byte[] bytes, TimeSpan interval)
    {
        var closed = client.ReadToEndAsync();
        foreach (var b in bytes)
        {
            if (closed.IsCompleted)
            {
                break;
            }

            try
            {
                await client.SendAsync([b]);
            }
            catch (Exception ex) when (ex is IOException or SocketException)
            {
                break;
            }

            await Task.WhenAny(closed, Task.Delay(interval));
        }

        return await closed.WaitAsync(RawHttpClient.Timeout);
    }
}
