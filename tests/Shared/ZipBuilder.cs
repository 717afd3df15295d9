using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace Mnist.Tests.Shared;

/// <summary>
/// Zip archives byte by byte, for files no honest writer makes: a member whose declared size or
/// CRC-32 lies, an encrypted flag, a deflate stream cut short. Members are stored or deflated.
/// </summary>
public sealed class ZipBuilder
{
    private readonly List<(string Name, ushort Method, ushort Flags, byte[] Data, uint Crc, long Size)> _members = [];

    /// <summary>A member as an honest writer would make it.</summary>
    public ZipBuilder Add(string name, byte[] content, bool deflate = false) =>
        AddRaw(name, deflate ? Deflate(content) : content, Crc(content), content.Length, deflate);

    /// <summary>A member whose recorded CRC-32 and uncompressed size are whatever is given.</summary>
    public ZipBuilder AddRaw(string name, byte[] data, uint crc, long size, bool deflate, ushort flags = 0)
    {
        _members.Add((name, deflate ? (ushort)8 : (ushort)0, flags, data, crc, size));
        return this;
    }

    public byte[] Build()
    {
        var output = new MemoryStream();
        var offsets = new List<long>();
        foreach (var m in _members)
        {
            offsets.Add(output.Position);
            var name = System.Text.Encoding.UTF8.GetBytes(m.Name);
            Write(output, 0x04034b50u, (ushort)20, m.Flags, m.Method, (ushort)0, (ushort)0x21, m.Crc, (uint)m.Data.Length, (uint)m.Size, (ushort)name.Length, (ushort)0);
            output.Write(name);
            output.Write(m.Data);
        }
        long directory = output.Position;
        for (int i = 0; i < _members.Count; i++)
        {
            var m = _members[i];
            var name = System.Text.Encoding.UTF8.GetBytes(m.Name);
            Write(output, 0x02014b50u, (ushort)20, (ushort)20, m.Flags, m.Method, (ushort)0, (ushort)0x21, m.Crc, (uint)m.Data.Length, (uint)m.Size,
                (ushort)name.Length, (ushort)0, (ushort)0, (ushort)0, (ushort)0, 0u, (uint)offsets[i]);
            output.Write(name);
        }
        long end = output.Position;
        Write(output, 0x06054b50u, (ushort)0, (ushort)0, (ushort)_members.Count, (ushort)_members.Count, (uint)(end - directory), (uint)directory, (ushort)0);
        return output.ToArray();
    }

    public static byte[] Deflate(byte[] content)
    {
        var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true)) deflate.Write(content);
        return output.ToArray();
    }

    public static uint Crc(byte[] content) => Crc32.HashToUInt32(content);

    private static void Write(Stream stream, params object[] fields)
    {
        Span<byte> buffer = stackalloc byte[4];
        foreach (var field in fields)
        {
            switch (field)
            {
                case ushort u: BinaryPrimitives.WriteUInt16LittleEndian(buffer, u); stream.Write(buffer[..2]); break;
                case uint u: BinaryPrimitives.WriteUInt32LittleEndian(buffer, u); stream.Write(buffer); break;
                default: throw new ArgumentException(field.GetType().Name);
            }
        }
    }
}
