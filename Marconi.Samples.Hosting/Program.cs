// Embeds Marconi: the engine on a FASTER store in ./marconi-data (or the directory given as the first argument),
// the Zaqar v2 API served from it on a free loopback port, and Marconi.Client talking to that API. Then it closes the
// store, opens it again and prints what survived: the message that was posted but never claimed and deleted.
using System.Net;
using System.Text;
using Marconi.Client;
using Marconi.Core;
using Marconi.Http.Api;
using Marconi.Http.Server;
using Marconi.Storage.Faster;

var dataDirectory = args.Length > 0 ? args[0] : "./marconi-data";

await using (var store = await FasterQueueStore.OpenAsync(dataDirectory))
{
    var engine = new QueueEngine(store);
    await using var server = new HttpServer(
        new ZaqarApiHandler(engine),
        new HttpServerOptions { Endpoints = [new IPEndPoint(IPAddress.Loopback, 0)] });
    await server.StartAsync();
    Console.WriteLine($"serving http://{server.BoundEndpoints[0]}");

    using var client = new MarconiClient(new MarconiClientOptions
    {
        BaseAddress = new Uri($"http://{server.BoundEndpoints[0]}"),
        ProjectId = "sample",
    });
    var orders = client.Queue("orders");
    await orders.CreateAsync();

    var posted = await orders.PostAsync([
        NewMessage.FromJson("""{"order":1}"""),
        NewMessage.FromJson("""{"order":2}"""),
        NewMessage.FromJson("""{"order":3}"""),
    ]);
    Console.WriteLine($"posted {string.Join(' ', posted)}");

    var listed = await orders.ListMessagesAsync(new MessageListOptions(Echo: true));
    Console.WriteLine($"listed {string.Join(' ', listed.Messages.Select(m => m.Id))}");

    var claim = await orders.ClaimAsync(ttl: 60, grace: 60, limit: 2)
        ?? throw new InvalidOperationException("nothing to claim");
    Console.WriteLine($"claimed {string.Join(' ', claim.Messages.Select(m => m.Id))}");

    foreach (var message in claim.Messages)
    {
        await orders.DeleteMessageAsync(message.Id, claim.Id);
    }

    Console.WriteLine($"deleted {string.Join(' ', claim.Messages.Select(m => m.Id))}");
    await server.StopAsync(TimeSpan.FromSeconds(5));
}

// Every acknowledged change is on disk: a new store on the same directory sees exactly what is left.
await using (var reopened = await FasterQueueStore.OpenAsync(dataDirectory))
{
    var engine = new QueueEngine(reopened);
    var left = await engine.ListMessagesAsync("sample", "orders", Guid.NewGuid());
    foreach (var message in left.Messages)
    {
        Console.WriteLine($"after reopening: {message.Id} {Encoding.UTF8.GetString(message.Body.Span)}");
    }
}
