using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Mnist.Data.Npy;

/// <summary>One member of a zip archive as its central directory records it.</summary>
internal sealed record ZipMember(string Name, ushort Method, ushort Flags, uint Crc32, long CompressedSize, long Size, long LocalHeaderOffset)
{
    public bool IsEncrypted => (Flags & 1) != 0;
}

/// <summary>
/// Reads a zip archive's central directory (zip64 included, as numpy writes it) and opens a member's
/// raw data, so that a deflated member is inflated to its true end: .NET's own reader stops at the
/// declared size and would hide a stream that inflates past it. Every offset and size is checked
/// against the file before it is used.
/// </summary>
internal static class ZipDirectory
{
    private const uint EndSignature = 0x06054b50, Zip64EndSignature = 0x06064b50, Zip64LocatorSignature = 0x07064b50;
    private const uint CentralSignature = 0x02014b50, LocalSignature = 0x04034b50;

    public static (List<ZipMember> Members, string Comment) Read(Stream file, string path)
    {
        long length = file.Length;
        // the end record is in the last 22 + 65535 bytes (a comment of up to 64 KiB follows it)
        int tail = (int)Math.Min(length, 22 + 65535);
        var end = new byte[tail];
        file.Seek(length - tail, SeekOrigin.Begin);
        file.ReadExactly(end);
        int at = -1;
        for (int i = tail - 22; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(end.AsSpan(i)) == EndSignature) { at = i; break; }
        }
        if (at < 0) throw Invalid(path, "no end-of-central-directory record");
        long entries = BinaryPrimitives.ReadUInt16LittleEndian(end.AsSpan(at + 10));
        long size = BinaryPrimitives.ReadUInt32LittleEndian(end.AsSpan(at + 12));
        long offset = BinaryPrimitives.ReadUInt32LittleEndian(end.AsSpan(at + 16));
        int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(end.AsSpan(at + 20));
        string comment = Encoding.UTF8.GetString(end, at + 22, Math.Min(commentLength, tail - at - 22));
        long endPosition = length - tail + at;
        if ((entries == 0xFFFF || size == 0xFFFFFFFF || offset == 0xFFFFFFFF) && endPosition >= 20)
            (entries, size, offset) = ReadZip64End(file, path, endPosition);
        if (offset < 0 || size < 0 || offset + size > endPosition) throw Invalid(path, "the central directory lies outside the file");
        if (entries > size / 46) throw Invalid(path, $"{entries} members cannot fit a central directory of {size} bytes");

        var directory = new byte[size];
        file.Seek(offset, SeekOrigin.Begin);
        file.ReadExactly(directory);
        var members = new List<ZipMember>((int)entries);
        int p = 0;
        for (long n = 0; n < entries; n++)
        {
            if (p + 46 > directory.Length || BinaryPrimitives.ReadUInt32LittleEndian(directory.AsSpan(p)) != CentralSignature)
                throw Invalid(path, "a central directory record is damaged");
            var record = directory.AsSpan(p);
            ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(record[8..]);
            ushort method = BinaryPrimitives.ReadUInt16LittleEndian(record[10..]);
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(record[16..]);
            long compressed = BinaryPrimitives.ReadUInt32LittleEndian(record[20..]);
            long uncompressed = BinaryPrimitives.ReadUInt32LittleEndian(record[24..]);
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(record[28..]);
            int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(record[30..]);
            int memberCommentLength = BinaryPrimitives.ReadUInt16LittleEndian(record[32..]);
            long local = BinaryPrimitives.ReadUInt32LittleEndian(record[42..]);
            if (p + 46 + nameLength + extraLength + memberCommentLength > directory.Length) throw Invalid(path, "a central directory record is damaged");
            string name = Encoding.UTF8.GetString(record.Slice(46, nameLength));
            var extra = record.Slice(46 + nameLength, extraLength);
            // zip64: the fields saturated at 0xFFFFFFFF follow in the 0x0001 extra field, in this order
            while (extra.Length >= 4)
            {
                ushort id = BinaryPrimitives.ReadUInt16LittleEndian(extra);
                int fieldLength = BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]);
                if (4 + fieldLength > extra.Length) break;
                if (id == 1)
                {
                    var field = extra.Slice(4, fieldLength);
                    if (uncompressed == 0xFFFFFFFF && field.Length >= 8) { uncompressed = BinaryPrimitives.ReadInt64LittleEndian(field); field = field[8..]; }
                    if (compressed == 0xFFFFFFFF && field.Length >= 8) { compressed = BinaryPrimitives.ReadInt64LittleEndian(field); field = field[8..]; }
                    if (local == 0xFFFFFFFF && field.Length >= 8) local = BinaryPrimitives.ReadInt64LittleEndian(field);
                }
                extra = extra[(4 + fieldLength)..];
            }
            if (compressed < 0 || uncompressed < 0 || local < 0 || local + 30 + compressed > offset)
                throw Invalid($"{path}[{name}]", "its data lies outside the file");
            members.Add(new ZipMember(name, method, flags, crc, compressed, uncompressed, local));
            p += 46 + nameLength + extraLength + memberCommentLength;
        }
        return (members, comment);
    }

    /// <summary>The member's uncompressed bytes as a stream: its stored bytes, or an inflater over its deflated bytes.</summary>
    public static Stream OpenData(Stream file, ZipMember member, string where)
    {
        if (member.IsEncrypted) throw new MnistDataException(where, "the member is encrypted; numpy archives never are");
        if (member.Method is not (0 or 8))
            throw new MnistDataException(where, $"compression method {member.Method} is not supported (numpy writes stored or deflated members)");
        var header = new byte[30];
        file.Seek(member.LocalHeaderOffset, SeekOrigin.Begin);
        file.ReadExactly(header);
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != LocalSignature) throw new MnistDataException(where, "its local header is damaged");
        long start = member.LocalHeaderOffset + 30 + BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(26)) + BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(28));
        if (start + member.CompressedSize > file.Length) throw new MnistDataException(where, "truncated: its data runs past the end of the file");
        var raw = new IO.SubStream(file, start, member.CompressedSize);
        return member.Method == 0 ? raw : new DeflateStream(raw, CompressionMode.Decompress);
    }

    private static (long Entries, long Size, long Offset) ReadZip64End(Stream file, string path, long endPosition)
    {
        var locator = new byte[20];
        file.Seek(endPosition - 20, SeekOrigin.Begin);
        file.ReadExactly(locator);
        if (BinaryPrimitives.ReadUInt32LittleEndian(locator) != Zip64LocatorSignature) throw Invalid(path, "the zip64 locator is missing");
        long recordOffset = BinaryPrimitives.ReadInt64LittleEndian(locator.AsSpan(8));
        if (recordOffset < 0 || recordOffset + 56 > endPosition) throw Invalid(path, "the zip64 end record lies outside the file");
        var record = new byte[56];
        file.Seek(recordOffset, SeekOrigin.Begin);
        file.ReadExactly(record);
        if (BinaryPrimitives.ReadUInt32LittleEndian(record) != Zip64EndSignature) throw Invalid(path, "the zip64 end record is damaged");
        return (BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(32)), BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(40)), BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(48)));
    }

    private static MnistDataException Invalid(string path, string problem) => new(path, $"not a valid .npz (zip) archive: {problem}");
}
