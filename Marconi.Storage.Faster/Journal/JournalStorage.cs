using FASTER.core;

namespace Marconi.Storage.Faster.Journal;

/// <summary>The FASTER objects behind one journal: the segment device, the commit-metadata manager and the log.</summary>
/// <remarks>
/// The log runs in the notes' "best mode": fast commits (commit records written into the log itself, so a commit
/// costs one flush), per-entry checksums, and a commit manager that writes its metadata file only every
/// <see cref="FastCommitThrottle"/> commits (or when the begin address moves). Recovery is explicit
/// (<see cref="FasterLogSettings.TryRecoverLatest"/> off) because FASTER's constructor swallows recovery errors and
/// can leave the log half-initialised.
/// </remarks>
internal sealed class JournalStorage : IDisposable
{
    /// <summary>Base name of the segment files; FASTER appends ".0", ".1", ...</summary>
    public const string SegmentBaseName = "journal.log";

    /// <summary>Commits between two commit-metadata files (measured best setting).</summary>
    private const int FastCommitThrottle = 1000;

    private JournalStorage(IDevice device, DeviceLogCommitCheckpointManager commitManager, FasterLog log)
    {
        Device = device;
        CommitManager = commitManager;
        Log = log;
    }

    /// <summary>The segment device.</summary>
    public IDevice Device { get; }

    /// <summary>Writes and lists the commit-metadata files.</summary>
    public DeviceLogCommitCheckpointManager CommitManager { get; }

    /// <summary>The log, not yet recovered when created.</summary>
    public FasterLog Log { get; }

    /// <summary>Creates the device, commit manager and log over <paramref name="directory"/>; does not recover.</summary>
    public static JournalStorage Create(string directory, FasterJournalOptions options)
    {
        var basePath = Path.Combine(directory, SegmentBaseName);
        var device = options.DeviceFactory?.Invoke(basePath)
            ?? Devices.CreateLogDevice(basePath, preallocateFile: false, deleteOnClose: false);
        DeviceLogCommitCheckpointManager? commitManager = null;
        try
        {
            commitManager = new DeviceLogCommitCheckpointManager(
                new LocalStorageNamedDeviceFactory(),
                new DefaultCheckpointNamingScheme(directory),
                removeOutdated: true,
                fastCommitThrottleFreq: FastCommitThrottle);
            var settings = new FasterLogSettings
            {
                LogDevice = device,
                PageSizeBits = options.PageSizeBits,
                MemorySizeBits = options.MemorySizeBits,
                SegmentSizeBits = options.SegmentSizeBits,
                FastCommitMode = true,
                LogChecksum = LogChecksumType.PerEntry,
                LogCommitManager = commitManager,
                TryRecoverLatest = false,
                AutoCommit = false,
                AutoRefreshSafeTailAddress = false,
            };
            return new JournalStorage(device, commitManager, new FasterLog(settings));
        }
        catch
        {
            commitManager?.Dispose();
            device.Dispose();
            throw;
        }
    }

    /// <summary>Disposes the log, then the commit manager and the device it used (FASTER does not own them).</summary>
    public void Dispose()
    {
        Log.Dispose();
        CommitManager.Dispose();
        Device.Dispose();
    }
}
