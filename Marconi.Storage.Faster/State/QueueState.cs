using Marconi.Core.Model;

namespace Marconi.Storage.Faster.State;

/// <summary>
/// One queue's in-memory state. Its monitor (<c>lock (queue)</c>) guards everything here and is held while the
/// queue's log records are appended, so the log order of a queue's records is the order their changes were made.
/// </summary>
internal sealed class QueueState
{
    // Most queues see a handful of posting clients: a linear search of Clients beats hashing until the table is built.
    private const int LinearSearchLimit = 8;
    private Dictionary<Guid, int>? _clientIndexes;

    public QueueState(long id, string project, string name, long createdMs, QueueMetadata metadata)
    {
        Id = id;
        Project = project;
        Name = name;
        CreatedMs = createdMs;
        Metadata = metadata;
    }

    /// <summary>Store-wide queue id (a queue deleted and created again gets a new one).</summary>
    public long Id { get; }

    public string Project { get; }

    public string Name { get; }

    public long CreatedMs { get; }

    /// <summary>Metadata; replaced whole, so it may be read without the lock.</summary>
    public volatile QueueMetadata Metadata;

    /// <summary>Set once the queue is deleted; a caller holding a stale reference must look again.</summary>
    public bool Deleted { get; set; }

    /// <summary>During recovery: records of this queue below this log address are already in the checkpoint.</summary>
    public long CoveredUntil { get; set; }

    public MessageIndex Messages { get; } = new();

    public Dictionary<long, ClaimState> Claims { get; } = [];

    public SubscriptionSet Subscriptions { get; } = new();

    /// <summary>Client ids of posters, interned: messages keep an index into this list.</summary>
    public List<Guid> Clients { get; } = [];

    public int InternClient(Guid clientId)
    {
        var index = FindClient(clientId);
        if (index >= 0)
        {
            return index;
        }

        index = Clients.Count;
        Clients.Add(clientId);
        if (_clientIndexes is not null)
        {
            _clientIndexes.Add(clientId, index);
        }
        else if (Clients.Count > LinearSearchLimit)
        {
            _clientIndexes = new Dictionary<Guid, int>(Clients.Count * 2);
            for (var i = 0; i < Clients.Count; i++)
            {
                _clientIndexes.Add(Clients[i], i);
            }
        }

        return index;
    }

    /// <summary>The index of a client id, or -1 when it never posted here.</summary>
    public int FindClient(Guid clientId)
    {
        if (_clientIndexes is not null)
        {
            return _clientIndexes.TryGetValue(clientId, out var index) ? index : -1;
        }

        var clients = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(Clients);
        return clients.IndexOf(clientId);
    }
}
