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
/// A file is: magic, version, store tag, last sequence, last queue id, replay-from address, queues, CRC-32C. A queue
/// is its id, covered address, identity, metadata, clients, claims, messages and subscriptions.
/// </remarks>
internal sealed partial class CheckpointStore
{
    private const uint Magic = 0x4B43514D; // "MQCK"
    // Version 2 added subscriptions after each queue's messages; version 1 files (none) are still read.
    private const int Version = 2;
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

    /// <summary>Writes a checkpoint of <paramref name="queues"/>; the caller has made sure the log is committed up to every queue's covered address.</summary>
    public void Save(IReadOnlyList<QueueSnapshot> queues, long lastSequence, long lastQueueId, long replayFrom)
    {
        var temporary = Path.Combine(_directory, TemporaryName);
        using (var writer = new CheckpointWriter(temporary))
        {
            writer.WriteUInt32(Magic);
            writer.WriteInt32(Version);
            writer.WriteUInt32(_storeTag);
            writer.WriteInt64(lastSequence);
            writer.WriteInt64(lastQueueId);
            writer.WriteInt64(replayFrom);
            writer.WriteInt32(queues.Count);
            foreach (var queue in queues)
            {
                WriteQueue(writer, queue);
            }

            writer.Complete();
        }

        var current = Path.Combine(_directory, CurrentName);
        if (File.Exists(current))
        {
            File.Move(current, Path.Combine(_directory, PreviousName), overwrite: true);
        }

        File.Move(temporary, current, overwrite: true);
        _previousReplayFrom = _currentReplayFrom < 0 ? replayFrom : _currentReplayFrom;
        _currentReplayFrom = replayFrom;
    }

    private static void WriteQueue(CheckpointWriter writer, QueueSnapshot queue)
    {
        writer.WriteInt64(queue.Id);
        writer.WriteInt64(queue.CoveredUntil);
        writer.WriteInt64(queue.CreatedMs);
        writer.WriteString(queue.Project);
        writer.WriteString(queue.Name);
        writer.WriteBlob(queue.Metadata.Span);
        writer.WriteInt32(queue.Clients.Length);
        foreach (var client in queue.Clients)
        {
            writer.WriteGuid(client);
        }

        writer.WriteInt32(queue.Claims.Length);
        foreach (var claim in queue.Claims)
        {
            writer.WriteInt64(claim.Sequence);
            writer.WriteInt64(claim.CreatedMs);
            writer.WriteInt32(claim.Ttl);
            writer.WriteInt32(claim.Grace);
            writer.WriteInt64(claim.ExpiresMs);
            writer.WriteInt32(claim.Messages.Length);
            foreach (var sequence in claim.Messages)
            {
                writer.WriteInt64(sequence);
            }
        }

        writer.WriteInt32(queue.Messages.Length);
        foreach (var entry in queue.Messages)
        {
            writer.WriteInt64(entry.Sequence);
            writer.WriteInt64(entry.Address);
            writer.WriteInt64(entry.CreatedMs);
            writer.WriteInt64(entry.ExpiresMs);
            writer.WriteInt64(entry.ClaimSequence);
            writer.WriteInt64(entry.ClaimExpiresMs);
            writer.WriteInt32(entry.BodyOffset);
            writer.WriteInt32(entry.StoredLength);
            writer.WriteInt32(entry.RawLength);
            writer.WriteInt32(entry.Ttl);
            writer.WriteInt32(entry.Delay);
            writer.WriteInt32(entry.ClaimCount);
            writer.WriteInt32(entry.ClientIndex);
        }

        writer.WriteInt32(queue.Subscriptions.Length);
        using var record = new RecordBuffer();
        foreach (var subscription in queue.Subscriptions)
        {
            record.Shrink(record.Length);
            SubscriptionRecord.Write(record, subscription);
            writer.WriteBlob(record.WrittenSpan);
        }
    }

    private const int EntryBytes = (6 * 8) + (7 * 4);

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

        var lastSequence = reader.ReadInt64();
        var lastQueueId = reader.ReadInt64();
        var replayFrom = reader.ReadInt64();
        var queueCount = reader.ReadCount(64);
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

    // Only the header is read: a damaged previous checkpoint is never used, so its address merely lowers the bound.
    private long ReadReplayFrom(string path)
    {
        try
        {
            Span<byte> header = stackalloc byte[36];
            using var file = File.OpenRead(path);
            file.ReadExactly(header);
            return BinaryPrimitives.ReadInt64LittleEndian(header[28..]);
        }
        catch (IOException)
        {
            return _currentReplayFrom;
        }
    }

    [LoggerMessage(EventId = 120, Level = LogLevel.Warning, Message = "{Problem}")]
    private static partial void LogCheckpointIgnored(ILogger logger, string problem);
}
