using Marconi.Storage.Faster;

namespace Marconi.Tests.Storage;

/// <summary>
/// FASTER reports a failed page write without its errno, so a storage failure names a full disk by looking at the free
/// space: under two log pages it says so, otherwise nothing is added. (Checked by hand on a 40 MB tmpfs filled through
/// the server: the 503 and the error log carried the sentence, and writes resumed once the mount was enlarged.)
/// </summary>
public sealed class DiskFullNoteTests
{
    private const int PageSizeBits = 22;

    [Theory]
    [InlineData(0L)]
    [InlineData(4096L)]
    [InlineData((2L << PageSizeBits) - 1)]
    public void Less_than_two_pages_free_is_named_a_full_disk(long free)
    {
        var note = FasterQueueStore.DiskFullNote(free, PageSizeBits);
        Assert.Contains($"has {free} bytes free: the disk is full", note, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2L << PageSizeBits)]
    [InlineData(80_000_000_000L)]
    [InlineData(null)]
    public void Enough_space_or_unknown_space_adds_nothing(long? free) =>
        Assert.Equal(string.Empty, FasterQueueStore.DiskFullNote(free, PageSizeBits));
}
