namespace Marconi.Core.Model;

/// <summary>A stored message as a reader sees it.</summary>
public sealed class QueuedMessage
{
    /// <summary>Creates a message view.</summary>
    public QueuedMessage(string id, ReadOnlyMemory<byte> body, int ttl, DateTimeOffset createdAt, DateTimeOffset now, Guid clientId, string? claimId, int claimCount)
    {
        Id = id;
        Body = body;
        Ttl = ttl;
        CreatedAt = createdAt;
        Age = (long)Math.Max(0, (now - createdAt).TotalSeconds);
        ClientId = clientId;
        ClaimId = claimId;
        ClaimCount = claimCount;
    }

    /// <summary>Server-generated id, unique forever, opaque.</summary>
    public string Id { get; }

    /// <summary>The JSON body exactly as posted.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>The ttl the message was posted with, in seconds.</summary>
    public int Ttl { get; }

    /// <summary>When the message was accepted.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>Whole seconds since the message was accepted.</summary>
    public long Age { get; }

    /// <summary>The client id of the poster.</summary>
    public Guid ClientId { get; }

    /// <summary>The live claim holding the message, if any.</summary>
    public string? ClaimId { get; }

    /// <summary>How many times the message has been claimed.</summary>
    public int ClaimCount { get; }
}
