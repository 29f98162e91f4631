using System.Text;
using Marconi.Core;
using Marconi.Core.Model;
using Marconi.Storage.Faster;

await using var store = await FasterQueueStore.OpenAsync("./marconi-data");
var engine = new QueueEngine(store);
var me = Guid.NewGuid();

await engine.CreateQueueAsync("my-project", "orders");
await engine.PostMessagesAsync("my-project", "orders",
    [new NewMessage("{\"order\":1}"u8.ToArray()), new NewMessage("{\"order\":2}"u8.ToArray(), Ttl: 600)], me);

var claim = await engine.ClaimMessagesAsync("my-project", "orders", new ClaimOptions(Limit: 10));
foreach (var message in claim?.Messages ?? [])
{
    Console.WriteLine($"{message.Id}: {Encoding.UTF8.GetString(message.Body.Span)}");
    await engine.DeleteMessageAsync("my-project", "orders", message.Id, claim!.ClaimId);
}
