using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Mnist.Kernels;

/// <summary>
/// A register of floats of one width, so that a kernel is written once, generic over the width
/// (<see cref="Vector512Ops"/>, <see cref="Vector256Ops"/>, <see cref="Vector128Ops"/>, <see cref="ScalarOps"/>),
/// and the JIT compiles one specialised copy per width. <see cref="SimdWidth.Run{TKernel}"/> picks the widest
/// the processor accelerates: Vector512 with AVX-512, Vector256 with AVX2, Vector128 with SSE or NEON, else
/// plain floats (software vectors would be ~70× slower than scalar code). Multiply-add is fused wherever the
/// processor has FMA and is always the same instruction for a width, so results do not depend on which JIT
/// tier compiled a kernel.
/// </summary>
internal interface ISimdVector<TSelf> where TSelf : struct, ISimdVector<TSelf>
{
    /// <summary>Floats per register.</summary>
    static abstract int Count { get; }

    static abstract TSelf Zero { get; }

    static abstract unsafe TSelf Load(float* source);

    static abstract unsafe void Store(TSelf value, float* destination);

    static abstract TSelf Broadcast(float value);

    /// <summary>a · b + c.</summary>
    static abstract TSelf MultiplyAdd(TSelf a, TSelf b, TSelf c);

    static abstract TSelf Add(TSelf a, TSelf b);

    static abstract TSelf Multiply(TSelf a, TSelf b);

    static abstract TSelf Max(TSelf a, TSelf b);

    static abstract TSelf Divide(TSelf a, TSelf b);

    static abstract TSelf Sqrt(TSelf value);

    /// <summary><paramref name="value"/> where <paramref name="reference"/> &gt; 0, else 0 (ReLU's derivative applied).</summary>
    static abstract TSelf WherePositive(TSelf value, TSelf reference);

    /// <summary><paramref name="value"/> where |value| ≥ <see cref="SimdTiny.Threshold"/>, else 0 (keeps decaying state out of the subnormal range).</summary>
    static abstract TSelf FlushTiny(TSelf value);

    /// <summary>Bit i set where <paramref name="source"/>[i] is not 0 (<see cref="Count"/> bits).</summary>
    static abstract unsafe uint NonzeroMask(float* source);
}

/// <summary>AVX-512: 16 floats.</summary>
internal readonly struct Vector512Ops : ISimdVector<Vector512Ops>
{
    private readonly Vector512<float> _v;

    private Vector512Ops(Vector512<float> v) => _v = v;

    public static int Count => Vector512<float>.Count;
    public static Vector512Ops Zero => default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector512Ops Load(float* source) => new(Vector512.Load(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Store(Vector512Ops value, float* destination) => Vector512.Store(value._v, destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512Ops Broadcast(float value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512Ops MultiplyAdd(Vector512Ops a, Vector512Ops b, Vector512Ops c) =>
        new(Avx512F.IsSupported ? Avx512F.FusedMultiplyAdd(a._v, b._v, c._v) : a._v * b._v + c._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512Ops Add(Vector512Ops a, Vector512Ops b) => new(a._v + b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512Ops Multiply(Vector512Ops a, Vector512Ops b) => new(a._v * b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512Ops Max(Vector512Ops a, Vector512Ops b) => new(Vector512.Max(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512Ops Divide(Vector512Ops a, Vector512Ops b) => new(a._v / b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512Ops Sqrt(Vector512Ops value) => new(Vector512.Sqrt(value._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512Ops WherePositive(Vector512Ops value, Vector512Ops reference) =>
        new(Vector512.BitwiseAnd(value._v, Vector512.GreaterThan(reference._v, Vector512<float>.Zero)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512Ops FlushTiny(Vector512Ops value) =>
        new(Vector512.BitwiseAnd(value._v, Vector512.GreaterThanOrEqual(Vector512.Abs(value._v), Vector512.Create(SimdTiny.Threshold))));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe uint NonzeroMask(float* source) =>
        (uint)~Vector512.Equals(Vector512.Load(source), Vector512<float>.Zero).ExtractMostSignificantBits() & 0xFFFF;
}

/// <summary>AVX2 (or AVX): 8 floats.</summary>
internal readonly struct Vector256Ops : ISimdVector<Vector256Ops>
{
    private readonly Vector256<float> _v;

    private Vector256Ops(Vector256<float> v) => _v = v;

    public static int Count => Vector256<float>.Count;
    public static Vector256Ops Zero => default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector256Ops Load(float* source) => new(Vector256.Load(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Store(Vector256Ops value, float* destination) => Vector256.Store(value._v, destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256Ops Broadcast(float value) => new(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256Ops MultiplyAdd(Vector256Ops a, Vector256Ops b, Vector256Ops c) =>
        new(Fma.IsSupported ? Fma.MultiplyAdd(a._v, b._v, c._v) : a._v * b._v + c._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256Ops Add(Vector256Ops a, Vector256Ops b) => new(a._v + b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256Ops Multiply(Vector256Ops a, Vector256Ops b) => new(a._v * b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256Ops Max(Vector256Ops a, Vector256Ops b) => new(Vector256.Max(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256Ops Divide(Vector256Ops a, Vector256Ops b) => new(a._v / b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256Ops Sqrt(Vector256Ops value) => new(Vector256.Sqrt(value._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256Ops WherePositive(Vector256Ops value, Vector256Ops reference) =>
        new(Vector256.BitwiseAnd(value._v, Vector256.GreaterThan(reference._v, Vector256<float>.Zero)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256Ops FlushTiny(Vector256Ops value) =>
        new(Vector256.BitwiseAnd(value._v, Vector256.GreaterThanOrEqual(Vector256.Abs(value._v), Vector256.Create(SimdTiny.Threshold))));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe uint NonzeroMask(float* source) =>
        ~Vector256.Equals(Vector256.Load(source), Vector256<float>.Zero).ExtractMostSignificantBits() & 0xFF;
}

/// <summary>SSE or NEON: 4 floats.</summary>
internal readonly struct Vector128Ops : ISimdVector<Vector128Ops>
{
    private readonly Vector128<float> _v;

    private Vector128Ops(Vector128<float> v) => _v = v;

    public static int Count => Vector128<float>.Count;
    public static Vector128Ops Zero => default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector128Ops Load(float* source) => new(Vector128.Load(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Store(Vector128Ops value, float* destination) => Vector128.Store(value._v, destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128Ops Broadcast(float value) => new(Vector128.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128Ops MultiplyAdd(Vector128Ops a, Vector128Ops b, Vector128Ops c) =>
        new(Fma.IsSupported ? Fma.MultiplyAdd(a._v, b._v, c._v)
            : AdvSimd.IsSupported ? AdvSimd.FusedMultiplyAdd(c._v, a._v, b._v)
            : a._v * b._v + c._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128Ops Add(Vector128Ops a, Vector128Ops b) => new(a._v + b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128Ops Multiply(Vector128Ops a, Vector128Ops b) => new(a._v * b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128Ops Max(Vector128Ops a, Vector128Ops b) => new(Vector128.Max(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128Ops Divide(Vector128Ops a, Vector128Ops b) => new(a._v / b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128Ops Sqrt(Vector128Ops value) => new(Vector128.Sqrt(value._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128Ops WherePositive(Vector128Ops value, Vector128Ops reference) =>
        new(Vector128.BitwiseAnd(value._v, Vector128.GreaterThan(reference._v, Vector128<float>.Zero)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128Ops FlushTiny(Vector128Ops value) =>
        new(Vector128.BitwiseAnd(value._v, Vector128.GreaterThanOrEqual(Vector128.Abs(value._v), Vector128.Create(SimdTiny.Threshold))));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe uint NonzeroMask(float* source) =>
        ~Vector128.Equals(Vector128.Load(source), Vector128<float>.Zero).ExtractMostSignificantBits() & 0xF;
}

/// <summary>No vector hardware: one float, in plain code (software vectors would be far slower).</summary>
internal readonly struct ScalarOps : ISimdVector<ScalarOps>
{
    private readonly float _v;

    private ScalarOps(float v) => _v = v;

    public static int Count => 1;
    public static ScalarOps Zero => default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe ScalarOps Load(float* source) => new(*source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Store(ScalarOps value, float* destination) => *destination = value._v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarOps Broadcast(float value) => new(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarOps MultiplyAdd(ScalarOps a, ScalarOps b, ScalarOps c) => new(a._v * b._v + c._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarOps Add(ScalarOps a, ScalarOps b) => new(a._v + b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarOps Multiply(ScalarOps a, ScalarOps b) => new(a._v * b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarOps Max(ScalarOps a, ScalarOps b) => new(MathF.Max(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarOps Divide(ScalarOps a, ScalarOps b) => new(a._v / b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarOps Sqrt(ScalarOps value) => new(MathF.Sqrt(value._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarOps WherePositive(ScalarOps value, ScalarOps reference) => new(reference._v > 0f ? value._v : 0f);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarOps FlushTiny(ScalarOps value) => new(SimdTiny.Flush(value._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe uint NonzeroMask(float* source) => *source != 0f ? 1u : 0u;
}

/// <summary>
/// A kernel written once over <see cref="ISimdVector{TSelf}"/>: <see cref="SimdWidth.Run{TKernel}"/>
/// calls <see cref="Run{TVector}"/> with the widest vector the processor accelerates.
/// </summary>
internal interface ISimdKernel
{
    void Run<TVector>() where TVector : struct, ISimdVector<TVector>;
}

/// <summary>Which vector width the kernels use on this processor, and the one place that decides it.</summary>
public static class SimdWidth
{
    /// <summary>The width in use: <c>Vector512</c>, <c>Vector256</c>, <c>Vector128</c> or <c>scalar</c>.</summary>
    public static string Name =>
        Vector512.IsHardwareAccelerated ? "Vector512"
        : Vector256.IsHardwareAccelerated ? "Vector256"
        : Vector128.IsHardwareAccelerated ? "Vector128"
        : "scalar";

    /// <summary>Floats per vector register at that width.</summary>
    public static int Floats =>
        Vector512.IsHardwareAccelerated ? 16 : Vector256.IsHardwareAccelerated ? 8 : Vector128.IsHardwareAccelerated ? 4 : 1;

    /// <summary>Whether multiply-adds are fused (one rounding) at that width.</summary>
    public static bool FusedMultiplyAdd =>
        Vector512.IsHardwareAccelerated ? Avx512F.IsSupported
        : Vector256.IsHardwareAccelerated ? Fma.IsSupported
        : Vector128.IsHardwareAccelerated && (Fma.IsSupported || AdvSimd.IsSupported);

    /// <summary>a · b + c for one float, fused exactly when the width in use fuses its vectors' (a kernel's tail then computes what its vectors would).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float MultiplyAdd(float a, float b, float c) => FusedMultiplyAdd ? MathF.FusedMultiplyAdd(a, b, c) : a * b + c;

    /// <summary>
    /// The width for blocks of <paramref name="registers"/> registers over <paramref name="rows"/> rows: the
    /// one with the fewest vector operations per row block, and of those the narrowest (it pads and packs
    /// less: a 10-row product takes one 16-row block at AVX2's width as one 32-row block at AVX-512's).
    /// </summary>
    internal static int ForRows(int rows, int registers)
    {
        int best = Floats;
        long fewest = long.MaxValue;
        for (int width = Floats; width >= 4; width /= 2)
        {
            long operations = (rows + (long)width * registers - 1) / (width * registers) * registers;
            if (operations <= fewest)
            {
                fewest = operations;
                best = width;
            }
        }
        return best;
    }

    // Each test is a constant to the JIT: every branch but the taken one disappears.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Run<TKernel>(ref TKernel kernel) where TKernel : struct, ISimdKernel
    {
        if (Vector512.IsHardwareAccelerated) kernel.Run<Vector512Ops>();
        else if (Vector256.IsHardwareAccelerated) kernel.Run<Vector256Ops>();
        else if (Vector128.IsHardwareAccelerated) kernel.Run<Vector128Ops>();
        else kernel.Run<ScalarOps>();
    }
}

/// <summary>Short rows (a convolution's 11 to 26 floats) copied as vectors: a memmove call per row cost more than the copy.</summary>
internal static unsafe class SimdRows
{
    /// <summary>destination[0, count) = source[0, count); the last vector overlaps the one before it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy<TV>(float* source, float* destination, int count) where TV : struct, ISimdVector<TV>
    {
        int c = TV.Count;
        if (count < c)
        {
            for (int j = 0; j < count; j++) destination[j] = source[j];
            return;
        }
        for (int j = 0; ; j += c)
        {
            int at = Math.Min(j, count - c);
            TV.Store(TV.Load(source + at), destination + at);
            if (at == count - c) return;
        }
    }
}

/// <summary>
/// Where optimizer state is flushed to zero. Momentum and Adam's moments of a feature that gets no gradient decay
/// geometrically (×0.9 a step) into the subnormal floats, and on Intel processors every vector operation on a subnormal
/// takes a microcode assist (~100 cycles): Adam on 784-128-10 took 1,400–1,500 µs a step there, 3.7–5.5× SGD's (1.6–1.8× on
/// AMD, which has no such penalty). .NET cannot set the processor's flush-to-zero mode, so the kernels flush the state
/// themselves before they scale it. A value under 1e-30 moves a weight by under lr·1e-30/ε = 1e-25, below the rounding of
/// any weight larger than 1e-18.
/// </summary>
internal static class SimdTiny
{
    public const float Threshold = 1e-30f;

    /// <summary><paramref name="value"/>, or 0 where |value| &lt; <see cref="Threshold"/> (the scalar <c>FlushTiny</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Flush(float value) => MathF.Abs(value) >= Threshold ? value : 0f;

    /// <summary>True when every float of [<paramref name="source"/>, + <paramref name="length"/>) is +0 (all bits clear; −0 is not); stops at the first that is not.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // called inside kernels' loops, where a call would spill their vector registers
    public static unsafe bool AllZeroBits(float* source, int length)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; i + 8 <= length; i += 8)
                if (Vector256.Load((uint*)source + i) != Vector256<uint>.Zero) return false;
        for (; i < length; i++)
            if (((uint*)source)[i] != 0) return false;
        return true;
    }
}
