using System.Globalization;
using System.Text;

namespace Mnist.Data.Npy;

/// <summary>
/// The header of a <c>.npy</c> file: magic <c>\x93NUMPY</c>, version, a little-endian length
/// (2 bytes in 1.0, 4 bytes in 2.0/3.0) and a Python dict literal with <c>descr</c>,
/// <c>fortran_order</c> and <c>shape</c>, padded with spaces and ended by a newline.
/// </summary>
public sealed record NpyHeader(string Descr, bool FortranOrder, int[] Shape, int HeaderLength)
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Largest header we read; numpy writes well under this.</summary>
    public const int MaxHeaderLength = 1 << 20;

    /// <summary>Reads and parses the header from the start of <paramref name="stream"/>.</summary>
    public static NpyHeader Read(Stream stream, string path)
    {
        Span<byte> prefix = stackalloc byte[10];
        if (stream.ReadAtLeast(prefix, 10, throwOnEndOfStream: false) < 10 || !prefix[..6].SequenceEqual(Magic))
            throw new MnistDataException(path, "not a .npy array (missing the \\x93NUMPY magic)");
        byte major = prefix[6];
        int lengthBytes = major switch
        {
            1 => 2,
            2 or 3 => 4,
            _ => throw new MnistDataException(path, $"unsupported .npy format version {major}.{prefix[7]}"),
        };
        long dictLength = prefix[8] | (prefix[9] << 8);
        int prefixLength = 10;
        if (lengthBytes == 4)
        {
            Span<byte> rest = stackalloc byte[2];
            if (stream.ReadAtLeast(rest, 2, throwOnEndOfStream: false) < 2) throw new MnistDataException(path, "truncated .npy header");
            dictLength |= ((long)rest[0] << 16) | ((long)rest[1] << 24);
            prefixLength = 12;
        }
        if (dictLength > MaxHeaderLength) throw new MnistDataException(path, $".npy header length {dictLength} is implausible");
        var dictBytes = new byte[dictLength];
        if (stream.ReadAtLeast(dictBytes, dictBytes.Length, throwOnEndOfStream: false) < dictBytes.Length)
            throw new MnistDataException(path, "truncated .npy header");
        string text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(dictBytes);
        var dict = new PythonLiteralParser(text, path).ParseDict();
        if (dict.GetValueOrDefault("descr") is not string descr)
            throw new MnistDataException(path, dict.ContainsKey("descr") ? "structured dtypes are not supported" : ".npy header has no 'descr'");
        if (dict.GetValueOrDefault("fortran_order") is not bool fortran)
            throw new MnistDataException(path, ".npy header has no boolean 'fortran_order'");
        if (dict.GetValueOrDefault("shape") is not List<long> shapeValues)
            throw new MnistDataException(path, ".npy header has no 'shape' tuple");
        var shape = new int[shapeValues.Count];
        for (int i = 0; i < shape.Length; i++)
        {
            if (shapeValues[i] is < 0 or > int.MaxValue) throw new MnistDataException(path, $"shape dimension {shapeValues[i]} is out of range");
            shape[i] = (int)shapeValues[i];
        }
        return new NpyHeader(descr, fortran, shape, prefixLength + (int)dictLength);
    }

    /// <summary>The version 1.0 header numpy itself writes, padded to a multiple of 64 bytes.</summary>
    public static byte[] Format(NpyDType type, IReadOnlyList<int> shape)
    {
        string dict = string.Create(CultureInfo.InvariantCulture,
            $"{{'descr': '{NpyDescr.Format(type)}', 'fortran_order': False, 'shape': {NpyArray.FormatShape(shape)}, }}");
        int unpadded = 10 + dict.Length + 1;
        int padding = (64 - unpadded % 64) % 64;
        string full = dict + new string(' ', padding) + "\n";
        var bytes = new byte[10 + full.Length];
        Magic.CopyTo(bytes);
        bytes[6] = 1;
        bytes[7] = 0;
        bytes[8] = (byte)full.Length;
        bytes[9] = (byte)(full.Length >> 8);
        Encoding.ASCII.GetBytes(full, bytes.AsSpan(10));
        return bytes;
    }
}
