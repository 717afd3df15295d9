using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Mnist.Kernels;

/// <summary>Bit masks of the nonzero entries of 32 consecutive inputs, at the widest vector width the processor accelerates.</summary>
internal static unsafe class NonzeroMasks
{
    /// <summary>Bit i set where <paramref name="source"/>[i] != 0, for i in 0..31.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Floats32(float* source)
    {
        if (Vector512.IsHardwareAccelerated) return Floats32<Vector512Ops>(source);
        if (Vector256.IsHardwareAccelerated) return Floats32<Vector256Ops>(source);
        if (Vector128.IsHardwareAccelerated) return Floats32<Vector128Ops>(source);
        return Floats32<ScalarOps>(source);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Floats32<TV>(float* source) where TV : struct, ISimdVector<TV>
    {
        uint mask = 0;
        for (int i = 0; i < 32; i += TV.Count) mask |= TV.NonzeroMask(source + i) << i;
        return mask;
    }

    /// <summary>Bit i set where <paramref name="source"/>[i] != 0, for i in 0..31.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Bytes32(byte* source)
    {
        if (Vector256.IsHardwareAccelerated)
            return ~Vector256.Equals(Vector256.Load(source), Vector256<byte>.Zero).ExtractMostSignificantBits();
        if (Vector128.IsHardwareAccelerated)
            return ~(Vector128.Equals(Vector128.Load(source), Vector128<byte>.Zero).ExtractMostSignificantBits()
                | Vector128.Equals(Vector128.Load(source + 16), Vector128<byte>.Zero).ExtractMostSignificantBits() << 16);
        return BytesTail(source, 32);
    }

    /// <summary>The nonzero bits of the first <paramref name="n"/> (at most 32) bytes.</summary>
    public static uint BytesTail(byte* source, int n)
    {
        uint mask = 0;
        for (int i = 0; i < n; i++) if (source[i] != 0) mask |= 1u << i;
        return mask;
    }
}
