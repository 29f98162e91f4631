using Marconi.Client;

namespace Marconi.Tests.Readme;

/// <summary>
/// The README's C# client example, compiled with the tests: <see cref="ClientReadmeExampleTests"/> checks that the
/// README shows exactly the lines between the markers and runs them against our server binary.
/// </summary>
internal static class ClientReadmeExample
{
    public static async Task RunAsync(Uri serverUrl, string project, TextWriter output, CancellationToken cancellationToken)
    {
        // README begin
        using var client = new MarconiClient(new MarconiClientOptions { BaseAddress = serverUrl, ProjectId = project });
        var orders = client.Queue("orders");
        await orders.PostAsync([NewMessage.FromJson("""{"order":42}""", ttl: 600)], cancellationToken);
        await foreach (var message in orders.ConsumeAsync(new ConsumeOptions(ClaimTtl: 60), cancellationToken))
        {
            output.WriteLine(message.Body); // deleted (with its claim id) once the loop moves on
        }
        // README end
    }
}
