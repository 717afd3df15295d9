using System.Buffers.Binary;
using System.Text;

namespace Mnist.Onnx;

/// <summary>
/// The protobuf wire format, as much as ONNX's messages need: varints, length-delimited fields (strings, bytes,
/// nested messages) and packed repeated int64. A message is built into its own writer, then written into its
/// parent as a length-delimited field, so no field needs its size in advance.
/// </summary>
internal sealed class ProtoWriter
{
    private readonly MemoryStream _bytes = new();

    public void Varint(int field, long value)
    {
        Tag(field, 0);
        WriteVarint((ulong)value);
    }

    public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public void Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, 2);
        WriteVarint((ulong)value.Length);
        _bytes.Write(value);
    }

    public void Message(int field, ProtoWriter message) => Bytes(field, message._bytes.GetBuffer().AsSpan(0, (int)message._bytes.Length));

    public void Float(int field, float value)
    {
        Tag(field, 5);
        Span<byte> raw = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(raw, value);
        _bytes.Write(raw);
    }

    public void PackedInt64(int field, IEnumerable<long> values)
    {
        var packed = new ProtoWriter();
        foreach (long v in values) packed.WriteVarint((ulong)v);
        Message(field, packed);
    }

    public void CopyTo(Stream stream) => stream.Write(_bytes.GetBuffer(), 0, (int)_bytes.Length);

    public long Length => _bytes.Length;

    private void Tag(int field, int wireType) => WriteVarint((ulong)((field << 3) | wireType));

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _bytes.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _bytes.WriteByte((byte)value);
    }
}
