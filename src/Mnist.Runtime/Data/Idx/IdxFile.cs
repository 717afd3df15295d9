using System.Buffers.Binary;
using System.IO.Compression;

namespace Mnist.Data.Idx;

/// <summary>
/// The IDX format of the original MNIST distribution: a big-endian header (two zero bytes, a type
/// code, the number of dimensions, one 32-bit size per dimension) followed by the data. We read
/// and write unsigned-byte files only, raw or gzip-compressed (detected by the first two bytes;
/// concatenated gzip members, as pigz and bgzip write, are one stream). Reading is two steps, so
/// that a caller can check the shapes of several files before any data is allocated:
/// <see cref="Open"/> reads and checks the header, <see cref="Reader.ReadData"/> the rest.
/// </summary>
public static class IdxFile
{
    /// <summary>Type code of unsigned bytes.</summary>
    public const byte UnsignedByte = 0x08;

    /// <summary>Data of this size or more is refused: far above MNIST, far below trouble.</summary>
    public const long MaxDataBytes = 1L << 31;

    // A gzip stream's data is read into a buffer grown up to the declared size, starting from what
    // the last member's trailer says it unpacks to (ISIZE, at least this much), so that a small file
    // whose header claims gigabytes allocates only about what it really unpacks to.
    private const int MinimumGzipBuffer = 1 << 20;

    /// <summary>Reads a 3-D unsigned-byte IDX file (images).</summary>
    public static (int Count, int Rows, int Columns, byte[] Pixels) ReadImages(string path)
    {
        using var reader = Open(path, 3, "images");
        return (reader.Dimensions[0], reader.Dimensions[1], reader.Dimensions[2], reader.ReadData());
    }

    /// <summary>Reads a 1-D unsigned-byte IDX file (labels).</summary>
    public static byte[] ReadLabels(string path)
    {
        using var reader = Open(path, 1, "labels");
        return reader.ReadData();
    }

    /// <summary>Opens <paramref name="path"/> and checks its header: unsigned bytes, <paramref name="dimensions"/> dimensions, a size the file can hold.</summary>
    public static Reader Open(string path, int dimensions, string what) => new(path, dimensions, what);

    /// <summary>Writes images as a 3-D IDX file; gzip-compressed when <paramref name="gzip"/>.</summary>
    public static void WriteImages(Stream stream, int count, int rows, int columns, ReadOnlySpan<byte> pixels, bool gzip) =>
        Write(stream, [count, rows, columns], pixels, gzip);

    /// <summary>Writes labels as a 1-D IDX file; gzip-compressed when <paramref name="gzip"/>.</summary>
    public static void WriteLabels(Stream stream, ReadOnlySpan<byte> labels, bool gzip) => Write(stream, [labels.Length], labels, gzip);

    /// <summary>Writes images as a 3-D IDX file, atomically; gzip-compressed when the name ends in <c>.gz</c>.</summary>
    public static void WriteImages(string path, int count, int rows, int columns, byte[] pixels) =>
        IO.AtomicFile.Write(path, s => WriteImages(s, count, rows, columns, pixels, IsGzipName(path)));

    /// <summary>Writes labels as a 1-D IDX file, atomically; gzip-compressed when the name ends in <c>.gz</c>.</summary>
    public static void WriteLabels(string path, byte[] labels) => IO.AtomicFile.Write(path, s => WriteLabels(s, labels, IsGzipName(path)));

    /// <summary>True when <paramref name="path"/> starts with the gzip signature.</summary>
    public static bool IsGzip(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> signature = stackalloc byte[2];
        return stream.ReadAtLeast(signature, 2, throwOnEndOfStream: false) == 2 && signature[0] == 0x1f && signature[1] == 0x8b;
    }

    private static bool IsGzipName(string path) => path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);

    private static void Write(Stream stream, int[] dims, ReadOnlySpan<byte> data, bool gzip)
    {
        var header = new byte[4 + 4 * dims.Length];
        header[2] = UnsignedByte;
        header[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), dims[i]);
        if (!gzip)
        {
            stream.Write(header);
            stream.Write(data);
            return;
        }
        using var compressed = new GZipStream(stream, CompressionLevel.Optimal, leaveOpen: true);
        compressed.Write(header);
        compressed.Write(data);
    }

    /// <summary>An IDX file whose header has been read and checked; <see cref="ReadData"/> reads the rest.</summary>
    public sealed class Reader : IDisposable
    {
        private readonly string _path;
        private readonly Stream _file;
        private readonly Stream _stream;
        private readonly bool _gzip;
        private readonly long _trailerSize;

        internal Reader(string path, int dimensions, string what)
        {
            _path = path;
            if (Directory.Exists(path)) throw new MnistDataException(path, "is a directory");
            if (!File.Exists(path)) throw new MnistDataException(path, "file not found");
            try
            {
                _gzip = IsGzip(path);
                _file = File.OpenRead(path);
                if (_gzip) _trailerSize = TrailerSize(_file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw IO.FileErrors.Describe(path, e);
            }
            _stream = _gzip ? new GZipStream(_file, CompressionMode.Decompress) : _file;
            try
            {
                Dimensions = ReadHeader(dimensions, what);
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        /// <summary>The sizes the header declares, outermost first.</summary>
        public int[] Dimensions { get; }

        /// <summary>Bytes of data the header declares.</summary>
        public long DataBytes => Dimensions.Aggregate(1L, (product, d) => product * d);

        private int[] ReadHeader(int expectedDimensions, string what)
        {
            int headerLength = 4 + 4 * expectedDimensions;
            var header = new byte[headerLength];
            int read = Fill(header, "");
            if (read < 4)
                throw new MnistDataException(_path, $"truncated: {read} bytes is too short for an IDX header");
            if (header[0] != 0 || header[1] != 0)
                throw new MnistDataException(_path, $"not an IDX file (magic 0x{BinaryPrimitives.ReadUInt32BigEndian(header):X8})");
            if (header[2] != UnsignedByte)
                throw new MnistDataException(_path, $"IDX type code 0x{header[2]:X2} is not unsigned bytes (0x08)");
            if (header[3] != expectedDimensions)
                throw new MnistDataException(_path, $"IDX file has {header[3]} dimensions; {what} need {expectedDimensions} (magic 0x{BinaryPrimitives.ReadUInt32BigEndian(header):X8}, expected 0x{0x800 + expectedDimensions:X8})");
            if (read < headerLength)
                throw new MnistDataException(_path, $"truncated: {read} bytes is too short for a {expectedDimensions}-D IDX header");
            var dims = new int[expectedDimensions];
            long size = 1;
            for (int i = 0; i < expectedDimensions; i++)
            {
                uint dimension = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4 + 4 * i));
                if (dimension > int.MaxValue) throw new MnistDataException(_path, $"dimension {i} size {dimension} is too large");
                dims[i] = (int)dimension;
                size *= dimension;
                if (size >= MaxDataBytes) throw new MnistDataException(_path, $"header claims {size} or more bytes of data; the limit is below {MaxDataBytes}");
            }
            if (!_gzip)
            {
                long actual = _file.Length - headerLength;
                if (actual < size)
                    throw new MnistDataException(_path, $"truncated: header claims {Describe(dims)} = {size} bytes of data but the file holds {actual}");
                if (actual > size)
                    throw new MnistDataException(_path, $"{actual - size} unexpected bytes after the {Describe(dims)} the header declares");
            }
            return dims;
        }

        /// <summary>The data: exactly what the header declares, and a gzip stream that ends there and passes its CRC checks.</summary>
        public byte[] ReadData()
        {
            long size = DataBytes;
            if (!_gzip)
            {
                var data = GC.AllocateUninitializedArray<byte>((int)size);
                int got = Fill(data, "");
                if (got < data.Length)
                    throw new MnistDataException(_path, $"truncated: header claims {size} bytes of data but the file ends after {got}");
                return data;
            }
            var buffer = GC.AllocateUninitializedArray<byte>((int)Math.Min(size, Math.Max(MinimumGzipBuffer, _trailerSize)));
            int filled = 0;
            while (true)
            {
                // The inflater checks the trailer in the call that yields the last byte: that byte is
                // asked for on its own, so that a failure there is known to be the trailer's.
                bool last = buffer.Length == size && size > 0;
                filled += Fill(buffer.AsSpan(filled, buffer.Length - filled - (last ? 1 : 0)), "");
                if (last && filled == size - 1) filled += Fill(buffer.AsSpan(filled), "trailer");
                if (filled < buffer.Length)
                    throw new MnistDataException(_path, $"truncated: header claims {Describe(Dimensions)} = {size} bytes of data but the gzip stream unpacks to {filled}");
                if (buffer.Length == size) break;
                var larger = GC.AllocateUninitializedArray<byte>((int)Math.Min(size, (long)buffer.Length * 2));
                buffer.AsSpan().CopyTo(larger);
                buffer = larger;
            }
            // read on to the end: the inflater checks the last member's CRC-32 and length there
            Span<byte> extra = stackalloc byte[1];
            if (Fill(extra, "trailer") > 0)
                throw new MnistDataException(_path, $"the gzip stream unpacks to more than the {Describe(Dimensions)} = {size} bytes of data the header declares");
            return buffer;
        }

        // ISIZE: the last member's unpacked size mod 2^32 (all of it for a one-member file), a hint only
        private static long TrailerSize(Stream file)
        {
            if (file.Length < 18) return 0;
            Span<byte> trailer = stackalloc byte[4];
            file.Seek(-4, SeekOrigin.End);
            file.ReadExactly(trailer);
            file.Seek(0, SeekOrigin.Begin);
            return BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        }

        private int Fill(Span<byte> buffer, string part)
        {
            try
            {
                return _stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            }
            catch (InvalidDataException e)
            {
                throw new MnistDataException(_path, part == "trailer"
                    ? "corrupt gzip data: the CRC-32 or length in the gzip trailer does not match the data"
                    : "corrupt gzip data: a damaged deflate stream, or a member whose CRC-32 or length does not match", e);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw IO.FileErrors.Describe(_path, e);
            }
        }

        /// <summary>Closes the file.</summary>
        public void Dispose()
        {
            _stream.Dispose();
            _file.Dispose();
        }
    }

    private static string Describe(int[] dims) => string.Join("x", dims);
}
