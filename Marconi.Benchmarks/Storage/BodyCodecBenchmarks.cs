using BenchmarkDotNet.Attributes;
using Marconi.Benchmarks.Support;
using Marconi.Storage.Faster.Records;

namespace Marconi.Benchmarks.Storage;

/// <summary>LZ4 <c>BodyCodec</c>: encode a 1 KiB JSON body into a record buffer and decode it back.</summary>
[MemoryDiagnoser]
public class BodyCodecBenchmarks
{
    private readonly byte[] _body = SampleBodies.Json(1024);
    private RecordBuffer _buffer = null!;
    private byte[] _stored = [];

    [GlobalSetup]
    public void Setup()
    {
        _buffer = new RecordBuffer(4096);
        var (_, stored) = BodyCodec.Write(_buffer, _body);
        _stored = _buffer.WrittenSpan[..stored].ToArray();
        _buffer.Shrink(_buffer.Length);
    }

    [GlobalCleanup]
    public void Cleanup() => _buffer.Dispose();

    [Benchmark]
    public int Write()
    {
        var (_, stored) = BodyCodec.Write(_buffer, _body);
        _buffer.Shrink(_buffer.Length);
        return stored;
    }

    [Benchmark]
    public int Read() => BodyCodec.Read(_stored, _body.Length).Length;
}
