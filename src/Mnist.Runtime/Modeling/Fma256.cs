using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Mnist.Modeling;

/// <summary>
/// a · b + c on 8 floats, fused (one rounding) wherever the CPU has FMA. Always the same
/// instruction, so results do not depend on which JIT tier compiled the caller.
/// </summary>
internal static class Fma256
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : a * b + c;
}
