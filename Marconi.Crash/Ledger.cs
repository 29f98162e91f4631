namespace Marconi.Crash;

/// <summary>
/// Everything the workers sent and what the server answered, over the whole campaign: every message by producer and
/// sequence number and (once known) by id, the outcome of every post and delete (acknowledged, refused or unknown),
/// and every claim granted. Thread-safe; workers of a round record into it concurrently.
/// </summary>
/// <remarks>
/// Requests in flight at a kill have an unknown outcome; they are marked "in doubt" and the next verification, which
/// sees what the restarted server really holds, settles them either way.
/// </remarks>
internal sealed class Ledger(Findings findings)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(int Producer, long Sequence), SentMessage> _byKey = [];
    private readonly Dictionary<string, SentMessage> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<SentMessage>> _byQueue = new(StringComparer.Ordinal);
    private readonly List<SentMessage> _deletable = [];
    private readonly List<ClaimRecord> _claims = [];
    private readonly Queue<SentMessage> _abandoned = new();
    private long _acknowledgedWrites;
    private long _acknowledgedDeletes;
    private int _settledPresent;
    private int _settledAbsent;

    /// <summary>Where violations are counted.</summary>
    public Findings Findings { get; } = findings;

    /// <summary>Messages whose POST was answered 201.</summary>
    public long AcknowledgedWrites
    {
        get
        {
            lock (_lock)
            {
                return _acknowledgedWrites;
            }
        }
    }

    /// <summary>Messages whose DELETE was answered 204.</summary>
    public long AcknowledgedDeletes
    {
        get
        {
            lock (_lock)
            {
                return _acknowledgedDeletes;
            }
        }
    }

    /// <summary>
    /// Messages known to exist, not deleted, and not left by a consumer to a claim that still holds them: what
    /// consumers can still take, which the producers hold back on. (Messages left to claims that have not expired are
    /// not counted: once the backlog were made of those alone, producers and consumers would both idle until expiry.)
    /// </summary>
    public int Backlog(DateTime now)
    {
        lock (_lock)
        {
            while (_abandoned.TryPeek(out var oldest) && (oldest.AbandonedUntil <= now || oldest.DeletableSlot < 0))
            {
                _abandoned.Dequeue();
                oldest.AbandonedUntil = default;
            }

            return Math.Max(0, _deletable.Count - _abandoned.Count);
        }
    }

    /// <summary>Records that a consumer left <paramref name="message"/> to its claim, which holds it until <paramref name="until"/>.</summary>
    public void Abandon(SentMessage message, DateTime until)
    {
        lock (_lock)
        {
            if (message.AbandonedUntil == default)
            {
                message.AbandonedUntil = until;
                _abandoned.Enqueue(message);
            }
        }
    }

    /// <summary>Messages in doubt (post or delete) that verifications found present, and found absent.</summary>
    public (int Present, int Absent) Settled
    {
        get
        {
            lock (_lock)
            {
                return (_settledPresent, _settledAbsent);
            }
        }
    }

    /// <summary>Every claim granted so far.</summary>
    public IReadOnlyList<ClaimRecord> Claims
    {
        get
        {
            lock (_lock)
            {
                return [.. _claims];
            }
        }
    }

    /// <summary>Records messages about to be posted (before the request goes out: from then on they may exist).</summary>
    public void RecordSent(IReadOnlyList<SentMessage> batch)
    {
        lock (_lock)
        {
            foreach (var message in batch)
            {
                if (!_byKey.TryAdd((message.Producer, message.Sequence), message))
                {
                    throw new InvalidOperationException($"Producer {message.Producer} sent sequence {message.Sequence} twice: a campaign bug.");
                }

                if (!_byQueue.TryGetValue(message.Queue, out var list))
                {
                    _byQueue[message.Queue] = list = [];
                }

                list.Add(message);
            }
        }
    }

    /// <summary>Records a 201 for <paramref name="batch"/>, with the ids the server gave (in order).</summary>
    public void RecordPosted(IReadOnlyList<SentMessage> batch, IReadOnlyList<string> ids)
    {
        lock (_lock)
        {
            for (var i = 0; i < batch.Count; i++)
            {
                var message = batch[i];
                if (message.Id is not null && message.Id != ids[i])
                {
                    Findings.Add(Problem.Duplicated, message.Key, $"{message.Name} was served as {message.Id} before its POST answered 201 with id {ids[i]}");
                    continue;
                }

                message.Acknowledged = true;
                message.PostInDoubt = false;
                _acknowledgedWrites++;
                Learn(message, ids[i]);
            }
        }
    }

    /// <summary>
    /// Records a granted claim and checks each message it handed out (intact, the one posted, not deleted before the
    /// claim was sent); learns the ids of messages whose POST has not been answered yet.
    /// </summary>
    public void RecordClaim(ClaimRecord claim, IReadOnlyList<ServedMessage> messages)
    {
        lock (_lock)
        {
            _claims.Add(claim);
            foreach (var served in messages)
            {
                Observe(claim.Queue, served, claim.SentAt, $"claim {claim.ClaimId}");
            }
        }
    }

    /// <summary>The message with this id, if known.</summary>
    public SentMessage? ById(string id)
    {
        lock (_lock)
        {
            return _byId.GetValueOrDefault(id);
        }
    }

    /// <summary>The message a producer sent with this sequence number, if any.</summary>
    public SentMessage? ByKey(int producer, long sequence)
    {
        lock (_lock)
        {
            return _byKey.GetValueOrDefault((producer, sequence));
        }
    }

    /// <summary>Every message sent to a queue, in sending order.</summary>
    public IReadOnlyList<SentMessage> SentTo(string queue)
    {
        lock (_lock)
        {
            return _byQueue.TryGetValue(queue, out var list) ? [.. list] : [];
        }
    }

    /// <summary>A random message known to exist and not deleted, for a plain delete by id; null when there is none.</summary>
    public SentMessage? PickDeletable(Random random)
    {
        lock (_lock)
        {
            return _deletable.Count == 0 ? null : _deletable[random.Next(_deletable.Count)];
        }
    }

    /// <summary>Records the outcome of a DELETE of <paramref name="message"/>: 204, a refusal (4xx) or unknown.</summary>
    public void RecordDelete(SentMessage message, DeleteOutcome outcome, DateTime at)
    {
        lock (_lock)
        {
            switch (outcome)
            {
                case DeleteOutcome.Deleted when !message.Deleted:
                    _acknowledgedDeletes++;
                    MarkGone(message, at);
                    break;
                case DeleteOutcome.Unknown:
                    message.DeleteInDoubt = true;
                    Forget(message);
                    break;
            }
        }
    }

    /// <summary>
    /// Settles what a verification saw: a message listed is present (its id learned, its doubts cleared); a message in
    /// doubt and not listed did not survive (its post never landed, or its delete did), so it must never come back.
    /// </summary>
    public void Settle(string queue, IReadOnlyDictionary<SentMessage, string> listed, DateTime at)
    {
        lock (_lock)
        {
            if (!_byQueue.TryGetValue(queue, out var sent))
            {
                return;
            }

            foreach (var message in sent)
            {
                if (listed.TryGetValue(message, out var id))
                {
                    if (message.PostInDoubt || message.DeleteInDoubt)
                    {
                        _settledPresent++;
                    }

                    if (message.Id is null)
                    {
                        Learn(message, id);
                    }

                    if (message.DeleteInDoubt && !message.Deleted)
                    {
                        message.DeleteInDoubt = false;
                        Remember(message);
                    }

                    message.PostInDoubt = false;
                }
                else if (message.PostInDoubt || message.DeleteInDoubt)
                {
                    message.PostInDoubt = false;
                    message.DeleteInDoubt = false;
                    _settledAbsent++;
                    if (!message.Deleted)
                    {
                        MarkGone(message, at);
                    }
                }
            }
        }
    }

    /// <summary>Checks a message the server handed out (caller holds the lock).</summary>
    private void Observe(string queue, ServedMessage served, DateTime requestedAt, string source)
    {
        if (!MessageBody.TryParse(served.Body, out var body, out var problem))
        {
            Findings.Add(Problem.Corrupted, "id " + served.Id, $"{source} handed out {served.Id} with a torn body ({problem}): {MessageBody.Describe(served.Body)}");
            return;
        }

        if (!_byKey.TryGetValue((body.Producer, body.Sequence), out var message) || message.Queue != queue)
        {
            Findings.Add(Problem.Corrupted, "id " + served.Id, $"{source} handed out {served.Id} holding p{body.Producer}/n{body.Sequence}, which no producer sent to {queue}");
            return;
        }

        if (!served.Body.AsSpan().SequenceEqual(message.Body))
        {
            Findings.Add(Problem.Corrupted, message.Key, $"{source} handed out {message.Name} with a body that differs from the one posted");
        }

        if (_byId.TryGetValue(served.Id, out var known) && known != message)
        {
            Findings.Add(Problem.Corrupted, "id " + served.Id, $"{source} handed out id {served.Id}, acknowledged for {known.Name}, holding {message.Name}");
            return;
        }

        if (message.Id is not null && message.Id != served.Id)
        {
            Findings.Add(Problem.Duplicated, message.Key, $"{source} handed out {message.Name} under a second id {served.Id}");
            return;
        }

        if (message.Deleted && message.DeletedAt < requestedAt)
        {
            Findings.Add(Problem.Resurrected, message.Key, $"{source} handed out {message.Name}, deleted (or found absent) at {message.DeletedAt:O}");
        }

        if (message.Id is null)
        {
            Learn(message, served.Id);
        }
    }

    private void Learn(SentMessage message, string id)
    {
        message.Id = id;
        _byId[id] = message;
        if (!message.Deleted && !message.DeleteInDoubt)
        {
            Remember(message);
        }
    }

    private void MarkGone(SentMessage message, DateTime at)
    {
        message.Deleted = true;
        message.DeletedAt = at;
        Forget(message);
    }

    private void Remember(SentMessage message)
    {
        if (message.DeletableSlot < 0)
        {
            message.DeletableSlot = _deletable.Count;
            _deletable.Add(message);
        }
    }

    private void Forget(SentMessage message)
    {
        var slot = message.DeletableSlot;
        if (slot < 0)
        {
            return;
        }

        // Swap-remove keeps picking O(1).
        var last = _deletable[^1];
        _deletable[slot] = last;
        last.DeletableSlot = slot;
        _deletable.RemoveAt(_deletable.Count - 1);
        message.DeletableSlot = -1;
    }
}

/// <summary>What a DELETE of one message came to.</summary>
internal enum DeleteOutcome
{
    /// <summary>204: the message is gone (or was already).</summary>
    Deleted,

    /// <summary>A 4xx answer (claimed by someone else, wrong or expired claim): nothing changed.</summary>
    Refused,

    /// <summary>No answer (the server was killed), or an answer that does not say: it may or may not have landed.</summary>
    Unknown,
}
