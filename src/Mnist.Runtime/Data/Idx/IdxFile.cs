using System.Buffers.Binary;
using System.IO.Compression;

namespace Mnist.Data.Idx;

/// <summary>
/// The IDX format of the original MNIST distribution: a big-endian header (two zero bytes, a type
/// code, the number of dimensions, one 32-bit size per dimension) followed by the data. We read
/// and write unsigned-byte files only, raw or gzip-compressed (detected by the first two bytes).
/// </summary>
public static class IdxFile
{
    /// <summary>Type code of unsigned bytes.</summary>
    public const byte UnsignedByte = 0x08;

    /// <summary>Largest file we accept, raw or unpacked: far above MNIST, far below trouble.</summary>
    public const long MaxDataBytes = 1L << 31;

    /// <summary>Reads a 3-D unsigned-byte IDX file (images).</summary>
    public static (int Count, int Rows, int Columns, byte[] Pixels) ReadImages(string path)
    {
        var (dims, data) = Read(path, expectedDimensions: 3, what: "images");
        return (dims[0], dims[1], dims[2], data);
    }

    /// <summary>Reads a 1-D unsigned-byte IDX file (labels).</summary>
    public static byte[] ReadLabels(string path) => Read(path, expectedDimensions: 1, what: "labels").Data;

    /// <summary>Writes images as a 3-D IDX file; gzip-compressed when the name ends in <c>.gz</c>.</summary>
    public static void WriteImages(string path, int count, int rows, int columns, ReadOnlySpan<byte> pixels) =>
        Write(path, [count, rows, columns], pixels);

    /// <summary>Writes labels as a 1-D IDX file; gzip-compressed when the name ends in <c>.gz</c>.</summary>
    public static void WriteLabels(string path, ReadOnlySpan<byte> labels) => Write(path, [labels.Length], labels);

    /// <summary>True when <paramref name="path"/> starts with the gzip signature.</summary>
    public static bool IsGzip(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> signature = stackalloc byte[2];
        return stream.ReadAtLeast(signature, 2, throwOnEndOfStream: false) == 2 && signature[0] == 0x1f && signature[1] == 0x8b;
    }

    private static (int[] Dims, byte[] Data) Read(string path, int expectedDimensions, string what)
    {
        if (!File.Exists(path)) throw new MnistDataException(path, "file not found");
        long fileLength = new FileInfo(path).Length;
        bool gzip = IsGzip(path);
        // For gzip the trailer's ISIZE (size mod 2^32) tells how much the file unpacks to, so a
        // header that claims more than the file holds is caught before anything is allocated.
        long available = gzip ? GzipUncompressedSize(path, fileLength) : fileLength;

        using Stream file = File.OpenRead(path);
        using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        int headerLength = 4 + 4 * expectedDimensions;
        var header = new byte[headerLength];
        if (ReadFully(path, stream, header) < 4)
            throw new MnistDataException(path, $"truncated: {available} bytes is too short for an IDX header");
        if (header[0] != 0 || header[1] != 0)
            throw new MnistDataException(path, $"not an IDX file (magic 0x{BinaryPrimitives.ReadUInt32BigEndian(header):X8})");
        if (header[2] != UnsignedByte)
            throw new MnistDataException(path, $"IDX type code 0x{header[2]:X2} is not unsigned bytes (0x08)");
        if (header[3] != expectedDimensions)
            throw new MnistDataException(path, $"IDX file has {header[3]} dimensions; {what} need {expectedDimensions} (magic 0x{BinaryPrimitives.ReadUInt32BigEndian(header):X8}, expected 0x{0x800 + expectedDimensions:X8})");
        if (available < headerLength)
            throw new MnistDataException(path, $"truncated: {available} bytes is too short for a {expectedDimensions}-D IDX header");

        var dims = new int[expectedDimensions];
        long expectedData = 1;
        for (int i = 0; i < expectedDimensions; i++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4 + 4 * i));
            if (size > int.MaxValue) throw new MnistDataException(path, $"dimension {i} size {size} is too large");
            dims[i] = (int)size;
            expectedData *= size;
            if (expectedData > MaxDataBytes) throw new MnistDataException(path, $"header claims more than {MaxDataBytes} bytes of data");
        }
        long actualData = available - headerLength;
        if (!gzip || expectedData <= uint.MaxValue)
        {
            if (actualData < expectedData)
                throw new MnistDataException(path, $"truncated: header claims {Describe(dims)} = {expectedData} bytes of data but the file holds {actualData}");
            if (actualData > expectedData)
                throw new MnistDataException(path, $"{actualData - expectedData} unexpected bytes after the {Describe(dims)} the header declares");
        }

        byte[] data = GC.AllocateUninitializedArray<byte>((int)expectedData);
        int read = ReadFully(path, stream, data);
        if (read < data.Length)
            throw new MnistDataException(path, $"truncated: header claims {expectedData} bytes of data but the stream ends after {read}");
        return (dims, data);
    }

    private static string Describe(int[] dims) => string.Join("x", dims);

    private static long GzipUncompressedSize(string path, long fileLength)
    {
        if (fileLength < 18) throw new MnistDataException(path, "truncated gzip file");
        using var stream = File.OpenRead(path);
        stream.Seek(-4, SeekOrigin.End);
        Span<byte> trailer = stackalloc byte[4];
        stream.ReadExactly(trailer);
        return BinaryPrimitives.ReadUInt32LittleEndian(trailer);
    }

    private static int ReadFully(string path, Stream stream, Span<byte> buffer)
    {
        try
        {
            return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw new MnistDataException(path, $"corrupt gzip data: {e.Message}", e);
        }
    }

    private static void Write(string path, int[] dims, ReadOnlySpan<byte> data)
    {
        var bytes = new byte[4 + 4 * dims.Length + data.Length];
        bytes[2] = UnsignedByte;
        bytes[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        data.CopyTo(bytes.AsSpan(4 + 4 * dims.Length));
        IO.AtomicFile.Write(path, stream =>
        {
            if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
            {
                using var gzip = new GZipStream(stream, CompressionLevel.Optimal, leaveOpen: true);
                gzip.Write(bytes);
            }
            else
            {
                stream.Write(bytes);
            }
        });
    }
}
