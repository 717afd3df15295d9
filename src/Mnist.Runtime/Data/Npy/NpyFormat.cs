
namespace Mnist.Data.Npy;

/// <summary>Reads and writes single arrays in numpy's <c>.npy</c> format (versions 1.0, 2.0, 3.0).</summary>
public static class NpyFormat
{
    /// <summary>
    /// Reads one array from <paramref name="stream"/>, which holds <paramref name="length"/> bytes
    /// in all. The header's shape must account for exactly the bytes that follow it; this is
    /// checked before the data is allocated.
    /// </summary>
    public static NpyArray Read(Stream stream, long length, string path)
    {
        var header = NpyHeader.Read(stream, path);
        var (parsed, expected) = Check(header, length, path);
        int itemSize = NpyDescr.Size(parsed.Type);
        var data = GC.AllocateUninitializedArray<byte>((int)expected);
        if (stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false) < data.Length)
            throw new MnistDataException(path, $"truncated: expected {expected} bytes of array data");
        if (parsed.BigEndian) SwapBytes(data, itemSize);
        if (header.FortranOrder && header.Shape.Length > 1) data = FortranToC(data, header.Shape, itemSize);
        return new NpyArray(parsed.Type, header.Shape, data);
    }

    /// <summary>
    /// Checks a header against the <paramref name="length"/> bytes its array is stored in: a dtype we
    /// read (never pickled objects) and a shape that accounts for exactly the bytes after the header.
    /// Returns the type and the data's size, decided before anything is allocated.
    /// </summary>
    public static ((NpyDType Type, bool BigEndian) Type, long DataBytes) Check(NpyHeader header, long length, string path)
    {
        if (header.Descr.Contains('O'))
            throw new MnistDataException(path, $"holds pickled Python objects (dtype '{header.Descr}'); refusing to load them");
        var parsed = NpyDescr.Parse(header.Descr)
            ?? throw new MnistDataException(path, $"unsupported dtype '{header.Descr}' (supported: u1 i1 i4 i8 f4 f8)");
        long elements;
        try { elements = NpyArray.ElementCount(header.Shape); }
        catch (OverflowException) { throw new MnistDataException(path, $"shape {NpyArray.FormatShape(header.Shape)} is too large"); }
        long expected;
        try { expected = checked(elements * NpyDescr.Size(parsed.Type)); }
        catch (OverflowException) { throw new MnistDataException(path, $"shape {NpyArray.FormatShape(header.Shape)} is too large"); }
        long actual = length - header.HeaderLength;
        if (expected != actual)
            throw new MnistDataException(path, $"shape {NpyArray.FormatShape(header.Shape)} of {header.Descr} needs {expected} bytes but {actual} follow the header");
        if (expected > Array.MaxLength)
            throw new MnistDataException(path, $"array of {expected} bytes is too large");
        return (parsed, expected);
    }

    /// <summary>Writes <paramref name="array"/> as a version 1.0 <c>.npy</c> in C order.</summary>
    public static void Write(Stream stream, NpyArray array)
    {
        stream.Write(NpyHeader.Format(array.Type, array.Shape));
        stream.Write(array.Data);
    }

    private static void SwapBytes(byte[] data, int itemSize)
    {
        for (int i = 0; i < data.Length; i += itemSize) data.AsSpan(i, itemSize).Reverse();
    }

    private static byte[] FortranToC(byte[] data, int[] shape, int itemSize)
    {
        // Fortran order: the first index varies fastest. Walk the C-order positions with an
        // odometer over the indices and copy each element from its Fortran offset.
        var result = GC.AllocateUninitializedArray<byte>(data.Length);
        int rank = shape.Length;
        var fortranStride = new long[rank];
        fortranStride[0] = 1;
        for (int d = 1; d < rank; d++) fortranStride[d] = fortranStride[d - 1] * shape[d - 1];
        var index = new int[rank];
        long count = data.Length / itemSize;
        long source = 0;
        for (long c = 0; c < count; c++)
        {
            Buffer.BlockCopy(data, (int)(source * itemSize), result, (int)(c * itemSize), itemSize);
            for (int d = rank - 1; d >= 0; d--)
            {
                index[d]++;
                source += fortranStride[d];
                if (index[d] < shape[d]) break;
                source -= fortranStride[d] * index[d];
                index[d] = 0;
            }
        }
        return result;
    }

}
