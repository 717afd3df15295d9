using System.Runtime.InteropServices;

namespace Mnist.Data.Npy;

/// <summary>
/// An n-dimensional array as numpy stores it, held in C (row-major) order and little-endian
/// byte order whatever the file used.
/// </summary>
public sealed class NpyArray
{
    /// <summary>Wraps <paramref name="data"/>; its length must match the shape.</summary>
    public NpyArray(NpyDType type, int[] shape, byte[] data)
    {
        long elements = ElementCount(shape);
        if (elements * NpyDescr.Size(type) != data.Length)
            throw new ArgumentException($"shape ({string.Join(", ", shape)}) of {type} needs {elements * NpyDescr.Size(type)} bytes, got {data.Length}");
        Type = type;
        Shape = shape;
        Data = data;
    }

    /// <summary>Element type.</summary>
    public NpyDType Type { get; }

    /// <summary>Dimensions, outermost first.</summary>
    public int[] Shape { get; }

    /// <summary>Raw little-endian C-order bytes.</summary>
    public byte[] Data { get; }

    /// <summary>Number of elements.</summary>
    public long Length => ElementCount(Shape);

    /// <summary>An array of bytes.</summary>
    public static NpyArray FromBytes(int[] shape, byte[] data) => new(NpyDType.UInt8, shape, data);

    /// <summary>An array of float32 values (copied).</summary>
    public static NpyArray FromSingles(int[] shape, ReadOnlySpan<float> values) =>
        new(NpyDType.Float32, shape, MemoryMarshal.AsBytes(values).ToArray());

    /// <summary>The elements as float32 (converted from any element type).</summary>
    public float[] ToSingles()
    {
        var result = new float[Length];
        for (int i = 0; i < result.Length; i++) result[i] = (float)ElementAsDouble(i);
        return result;
    }

    /// <summary>Element <paramref name="index"/> (flat, C order) as a double.</summary>
    public double ElementAsDouble(long index) => Type switch
    {
        NpyDType.UInt8 => Data[index],
        NpyDType.Int8 => (sbyte)Data[index],
        NpyDType.Int32 => MemoryMarshal.Cast<byte, int>(Data)[(int)index],
        NpyDType.Int64 => MemoryMarshal.Cast<byte, long>(Data)[(int)index],
        NpyDType.Float32 => MemoryMarshal.Cast<byte, float>(Data)[(int)index],
        _ => MemoryMarshal.Cast<byte, double>(Data)[(int)index],
    };

    /// <summary>"uint8 (60000, 28, 28)".</summary>
    public string Describe() => $"{NpyDescr.NumpyName(Type)} {FormatShape(Shape)}";

    /// <summary>numpy's tuple notation for a shape.</summary>
    public static string FormatShape(IReadOnlyList<int> shape) =>
        shape.Count == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";

    internal static long ElementCount(IReadOnlyList<int> shape)
    {
        long count = 1;
        foreach (int d in shape) count = checked(count * d);
        return count;
    }
}
