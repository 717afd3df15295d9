using System.IO.Hashing;

namespace Mnist.IO;

/// <summary>
/// Reads a stream that must hold exactly <c>length</c> bytes with a known CRC-32 (a zip member):
/// counts and checksums every byte that passes, and <see cref="Finish"/> refuses a stream that
/// ends short of its declared length, runs past it, or whose bytes do not match the checksum.
/// </summary>
internal sealed class CheckedStream(Stream inner, long length, uint crc, string where) : Stream
{
    private readonly Crc32 _crc = new();
    private long _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        // never hand out more than was declared: the rest is checked by Finish
        int allowed = (int)Math.Min(buffer.Length, length - _position);
        if (allowed == 0) return 0;
        int read = inner.Read(buffer[..allowed]);
        _crc.Append(buffer[..read]);
        _position += read;
        return read;
    }

    /// <summary>Reads what is left of the declared length, then checks the end and the checksum.</summary>
    public void Finish()
    {
        var rest = new byte[1 << 16];
        while (Read(rest) > 0) { }
        if (_position < length)
            throw new MnistDataException(where, $"truncated: the member inflates to {_position} bytes, not the {length} its header declares");
        if (inner.Read(rest, 0, 1) > 0)
            throw new MnistDataException(where, $"the member inflates to more than the {length} bytes its header declares");
        uint actual = _crc.GetCurrentHashAsUInt32();
        if (actual != crc)
            throw new MnistDataException(where, $"CRC-32 mismatch (the data reads as {actual:x8}, the archive records {crc:x8}): the file is corrupt");
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
