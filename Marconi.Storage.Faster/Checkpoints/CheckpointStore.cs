using System.Buffers.Binary;
using Marconi.Storage.Faster.Hashing;
using Marconi.Storage.Faster.Records;
using Marconi.Storage.Faster.State;
using Microsoft.Extensions.Logging;

namespace Marconi.Storage.Faster.Checkpoints;

/// <summary>
/// Index checkpoints: the whole in-memory state saved to a file so recovery replays only the log after it.
/// </summary>
/// <remarks>
/// Two generations are kept (<c>index.ckpt</c> and <c>index.ckpt.prev</c>); a new one is written to a temporary file,
/// synced, and renamed into place. If the newest is unreadable, recovery falls back to the previous one, so the log is
/// never truncated past what the older of the two needs (<see cref="SafeTruncationAddress"/>).
/// A file (version 3) is: magic, version, store tag, the queues, then a trailer of replay-from address, last sequence,
/// last queue id and queue count, then a CRC-32C of everything before it. A queue is its id, covered address, identity,
/// metadata, clients, claims, messages and subscriptions. The counters trail the queues because each queue is written
/// straight from the live index under its lock (no copy of the index, which is tens of MB with a million messages),
/// and the replay-from address is known only once every queue is written. Version 2 (counters in the header) is read.
/// </remarks>
internal sealed partial class CheckpointStore
{
    private const uint Magic = 0x4B43514D; // "MQCK"
    // Version 2 added subscriptions after each queue's messages; version 3 moved the counters into a trailer.
    private const int Version = 3;
    private const int HeaderBytes = 12;
    private const int TrailerBytes = (3 * 8) + 4;
    private const string CurrentName = "index.ckpt";
    private const string PreviousName = "index.ckpt.prev";
    private const string TemporaryName = "index.ckpt.tmp";

    private readonly string _directory;
    private readonly uint _storeTag;
    private long _currentReplayFrom = -1;
    private long _previousReplayFrom = -1;

    public CheckpointStore(string directory, uint storeTag)
    {
        _directory = directory;
        _storeTag = storeTag;
    }

    /// <summary>
    /// The log may be truncated up to here without losing anything a recovery could need; 0 while no checkpoint exists.
    /// </summary>
    public long SafeTruncationAddress => _currentReplayFrom < 0 ? 0 : _previousReplayFrom < 0 ? 0 : Math.Min(_currentReplayFrom, _previousReplayFrom);

    /// <summary>Replay-from address of the newest checkpoint, or -1.</summary>
    public long CurrentReplayFrom => _currentReplayFrom;

    /// <summary>Loads the newest readable checkpoint into <paramref name="state"/>; returns its replay-from address, or null when none could be used.</summary>
    public long? Load(StoreState state, RecoveryReport report, ILogger logger)
    {
        foreach (var name in (ReadOnlySpan<string>)[CurrentName, PreviousName])
        {
            var path = Path.Combine(_directory, name);
            if (!File.Exists(path))
            {
                continue;
            }

            try
            {
                var data = File.ReadAllBytes(path);
                var (replayFrom, lastSequence, lastQueueId, queues) = Parse(data);
                foreach (var queue in queues)
                {
                    state.Restore(queue);
                }

                state.RestoreCounters(lastSequence, lastQueueId);
                _currentReplayFrom = replayFrom;
                _previousReplayFrom = name == CurrentName ? ReadReplayFrom(Path.Combine(_directory, PreviousName)) : replayFrom;
                return replayFrom;
            }
            catch (Exception exception) when (exception is CorruptRecordException or IOException or UnauthorizedAccessException)
            {
                var problem = $"Checkpoint {name} is unusable and was ignored: {exception.Message}";
                report.AddProblem(problem);
                LogCheckpointIgnored(logger, problem);
            }
        }

        return null;
    }

    /// <summary>Starts a checkpoint in a temporary file: write every queue into it, then <see cref="Complete"/> it.</summary>
    public PendingCheckpoint Begin()
    {
        var writer = new CheckpointWriter(Path.Combine(_directory, TemporaryName));
        writer.WriteUInt32(Magic);
        writer.WriteInt32(Version);
        writer.WriteUInt32(_storeTag);
        return new PendingCheckpoint(writer);
    }

    /// <summary>
    /// Ends <paramref name="checkpoint"/> with the counters, syncs it and makes it the current checkpoint. The caller has
    /// made sure the log is committed up to every written queue's covered address, so the checkpoint holds nothing that
    /// a crash could take back.
    /// </summary>
    public void Complete(PendingCheckpoint checkpoint, long lastSequence, long lastQueueId, long replayFrom)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        using (checkpoint)
        {
            var writer = checkpoint.Writer;
            writer.WriteInt64(replayFrom);
            writer.WriteInt64(lastSequence);
            writer.WriteInt64(lastQueueId);
            writer.WriteInt32(checkpoint.QueueCount);
            writer.Complete();
        }

        var current = Path.Combine(_directory, CurrentName);
        if (File.Exists(current))
        {
            File.Move(current, Path.Combine(_directory, PreviousName), overwrite: true);
        }

        File.Move(Path.Combine(_directory, TemporaryName), current, overwrite: true);
        _previousReplayFrom = _currentReplayFrom < 0 ? replayFrom : _currentReplayFrom;
        _currentReplayFrom = replayFrom;
    }

    private const int EntryBytes = PendingCheckpoint.EntryBytes;

    private (long ReplayFrom, long LastSequence, long LastQueueId, List<QueueState> Queues) Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < 44)
        {
            throw new CorruptRecordException("The file is too short to be a checkpoint.");
        }

        var body = data[..^4];
        if (Crc32C.Compute(body) != BinaryPrimitives.ReadUInt32LittleEndian(data[^4..]))
        {
            throw new CorruptRecordException("The checkpoint's checksum does not match its contents.");
        }

        var reader = new RecordReader(body);
        var magic = (uint)reader.ReadInt32();
        var version = reader.ReadInt32();
        if (magic != Magic || version is < 1 or > Version)
        {
            throw new CorruptRecordException("The file is not a checkpoint of this version.");
        }

        if ((uint)reader.ReadInt32() != _storeTag)
        {
            throw new CorruptRecordException("The checkpoint belongs to another store.");
        }

        long lastSequence, lastQueueId, replayFrom;
        int queueCount;
        if (version >= 3)
        {
            var trailer = new RecordReader(body[^TrailerBytes..]);
            replayFrom = trailer.ReadInt64();
            lastSequence = trailer.ReadInt64();
            lastQueueId = trailer.ReadInt64();
            queueCount = trailer.ReadInt32();
            reader = new RecordReader(body[HeaderBytes..^TrailerBytes]);
            if (queueCount < 0 || queueCount > (body.Length - HeaderBytes - TrailerBytes) / 64)
            {
                throw new CorruptRecordException("The checkpoint's queue count does not fit its size.");
            }
        }
        else
        {
            lastSequence = reader.ReadInt64();
            lastQueueId = reader.ReadInt64();
            replayFrom = reader.ReadInt64();
            queueCount = reader.ReadCount(64);
        }

        var queues = new List<QueueState>(queueCount);
        for (var q = 0; q < queueCount; q++)
        {
            queues.Add(ReadQueue(ref reader, version));
        }

        if (!reader.AtEnd)
        {
            throw new CorruptRecordException("The checkpoint has bytes after its last queue.");
        }

        return (replayFrom, lastSequence, lastQueueId, queues);
    }

    private static QueueState ReadQueue(ref RecordReader reader, int version)
    {
        var id = reader.ReadInt64();
        var covered = reader.ReadInt64();
        var createdMs = reader.ReadInt64();
        var project = reader.ReadString();
        var name = reader.ReadString();
        var metadataJson = reader.ReadBlob().ToArray();
        var metadata = StoreState.ParseStoredMetadata(metadataJson);
        var queue = new QueueState(id, project, name, createdMs, metadata) { CoveredUntil = covered };
        var clients = reader.ReadCount(16);
        for (var i = 0; i < clients; i++)
        {
            queue.InternClient(reader.ReadGuid());
        }

        var claims = reader.ReadCount(36);
        for (var i = 0; i < claims; i++)
        {
            var sequence = reader.ReadInt64();
            var claimCreated = reader.ReadInt64();
            var ttl = reader.ReadInt32();
            var grace = reader.ReadInt32();
            var expires = reader.ReadInt64();
            var held = new long[reader.ReadCount(8)];
            for (var m = 0; m < held.Length; m++)
            {
                held[m] = reader.ReadInt64();
            }

            queue.Claims[sequence] = ClaimState.Restore(sequence, claimCreated, ttl, grace, expires, held);
        }

        var messages = reader.ReadCount(EntryBytes);
        queue.Messages.EnsureCapacity(messages);
        var previous = 0L;
        for (var i = 0; i < messages; i++)
        {
            var entry = new MessageEntry
            {
                Sequence = reader.ReadInt64(),
                Address = reader.ReadInt64(),
                CreatedMs = reader.ReadInt64(),
                ExpiresMs = reader.ReadInt64(),
                ClaimSequence = reader.ReadInt64(),
                ClaimExpiresMs = reader.ReadInt64(),
                BodyOffset = reader.ReadInt32(),
                StoredLength = reader.ReadInt32(),
                RawLength = reader.ReadInt32(),
                Ttl = reader.ReadInt32(),
                Delay = reader.ReadInt32(),
                ClaimCount = reader.ReadInt32(),
                ClientIndex = reader.ReadInt32(),
            };
            if (entry.Sequence <= previous || entry.ClientIndex < 0 || entry.ClientIndex >= queue.Clients.Count)
            {
                throw new CorruptRecordException("A checkpointed message entry is out of order or names an unknown client.");
            }

            previous = entry.Sequence;
            queue.Messages.Append(entry);
        }

        var subscriptions = version >= 2 ? reader.ReadCount(4 + SubscriptionRecord.MinBytes) : 0;
        for (var i = 0; i < subscriptions; i++)
        {
            var item = new RecordReader(reader.ReadBlob());
            var subscription = SubscriptionRecord.Read(ref item, address: 0);
            if (!item.AtEnd)
            {
                throw new CorruptRecordException("A checkpointed subscription has bytes after its options.");
            }

            queue.Subscriptions.Set(subscription);
        }

        return queue;
    }

    // Only the replay-from field is read: a damaged previous checkpoint is never used, so its address merely lowers the bound.
    private long ReadReplayFrom(string path)
    {
        try
        {
            Span<byte> field = stackalloc byte[8];
            using var file = File.OpenRead(path);
            file.ReadExactly(field);
            var version = BinaryPrimitives.ReadInt32LittleEndian(field[4..]);
            file.Position = version >= 3 ? file.Length - 4 - TrailerBytes : 28;
            file.ReadExactly(field);
            return BinaryPrimitives.ReadInt64LittleEndian(field);
        }
        catch (Exception exception) when (exception is IOException or ArgumentOutOfRangeException)
        {
            return _currentReplayFrom;
        }
    }

    [LoggerMessage(EventId = 120, Level = LogLevel.Warning, Message = "{Problem}")]
    private static partial void LogCheckpointIgnored(ILogger logger, string problem);
}
