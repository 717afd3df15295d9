namespace Mnist.Data.Npy;

/// <summary>Maps numpy's <c>descr</c> strings (<c>|u1</c>, <c>&lt;f4</c>, <c>&gt;i8</c>, ...) to <see cref="NpyDType"/>.</summary>
public static class NpyDescr
{
    /// <summary>Parses a descr; null when the type is not one we support.</summary>
    public static (NpyDType Type, bool BigEndian)? Parse(string descr)
    {
        if (descr.Length < 2) return null;
        char order = descr[0];
        string code = "<>|=".Contains(order) ? descr[1..] : descr;
        bool bigEndian = order == '>';
        NpyDType? type = code switch
        {
            "u1" or "B" => NpyDType.UInt8,
            "i1" or "b" => NpyDType.Int8,
            "i4" => NpyDType.Int32,
            "i8" => NpyDType.Int64,
            "f4" => NpyDType.Float32,
            "f8" => NpyDType.Float64,
            _ => null,
        };
        return type is null ? null : (type.Value, bigEndian && Size(type.Value) > 1);
    }

    /// <summary>The little-endian descr numpy writes for <paramref name="type"/>.</summary>
    public static string Format(NpyDType type) => type switch
    {
        NpyDType.UInt8 => "|u1",
        NpyDType.Int8 => "|i1",
        NpyDType.Int32 => "<i4",
        NpyDType.Int64 => "<i8",
        NpyDType.Float32 => "<f4",
        NpyDType.Float64 => "<f8",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>Bytes per element.</summary>
    public static int Size(NpyDType type) => type switch
    {
        NpyDType.UInt8 or NpyDType.Int8 => 1,
        NpyDType.Int32 or NpyDType.Float32 => 4,
        _ => 8,
    };

    /// <summary>numpy's name for the type (<c>uint8</c>, <c>float32</c>, ...).</summary>
    public static string NumpyName(NpyDType type) => type switch
    {
        NpyDType.UInt8 => "uint8",
        NpyDType.Int8 => "int8",
        NpyDType.Int32 => "int32",
        NpyDType.Int64 => "int64",
        NpyDType.Float32 => "float32",
        _ => "float64",
    };
}
