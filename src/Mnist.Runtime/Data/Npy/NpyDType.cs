namespace Mnist.Data.Npy;

/// <summary>The element types we read and write. Byte order is normalised to little-endian on read.</summary>
public enum NpyDType
{
    /// <summary><c>|u1</c></summary>
    UInt8,
    /// <summary><c>|i1</c></summary>
    Int8,
    /// <summary><c>&lt;i4</c></summary>
    Int32,
    /// <summary><c>&lt;i8</c></summary>
    Int64,
    /// <summary><c>&lt;f4</c></summary>
    Float32,
    /// <summary><c>&lt;f8</c></summary>
    Float64,
}
