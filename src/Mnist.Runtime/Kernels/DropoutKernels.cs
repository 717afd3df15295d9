using System.Numerics;
using Matrix = MathNet.Numerics.LinearAlgebra.Matrix<float>;

namespace Mnist.Kernels;

/// <summary>Inverted dropout over a batch: a mask of 0 and 1 / (1 − rate), drawn from (seed, pass), applied forward and backward.</summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static class DropoutKernels
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    /// <summary>Training: draws the mask of <paramref name="layer"/>'s next pass and output = input ⊙ mask. Inference: output = input.</summary>
    public static void Forward(DropoutLayer layer, Matrix input, Matrix output, float[] mask, bool training)
    {
        var x = Gemm.Values(input).AsSpan();
        var y = Gemm.Values(output).AsSpan();
        if (!training || layer.Rate == 0)
        {
            x.CopyTo(y);
            if (training) mask.AsSpan(0, x.Length).Fill(1f);
            return;
        }
        var m = mask.AsSpan(0, x.Length);
        Draw(Stream(layer.Seed, layer.Passes), (uint)Math.Round(layer.Rate * (1 << 24)), (float)(1 / (1 - layer.Rate)), m);
        System.Numerics.Tensors.TensorPrimitives.Multiply(x, m, y);
        layer.Passes++;
    }

    /// <summary>inputDelta = delta ⊙ mask of the last training pass.</summary>
    public static void Backward(Matrix delta, float[] mask, Matrix inputDelta)
    {
        var d = Gemm.Values(delta).AsSpan();
        System.Numerics.Tensors.TensorPrimitives.Multiply(d, mask.AsSpan(0, d.Length), Gemm.Values(inputDelta));
    }

    // the SplitMix64 stream keyed by (seed, pass): the same run draws the same masks
    internal static ulong Stream(int seed, long pass) => Mix((ulong)(uint)seed * Golden ^ Mix((ulong)pass + 0xD1B54A32D192ED03UL));

    /// <summary>
    /// mask[i] = 0 when the top 24 bits of SplitMix64's value i of the stream (Mix(state + (i + 1)·golden)) are below
    /// <paramref name="threshold"/>, else <paramref name="keep"/>. Each value depends on its index alone, so the values go
    /// a vector at a time; a scalar loop with a branch on a coin flip spent most of its ~7 ns per value mispredicting.
    /// </summary>
    internal static void Draw(ulong state, uint threshold, float keep, Span<float> mask)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && mask.Length >= 2 * Vector<ulong>.Count)
        {
            int lanes = Vector<ulong>.Count;
            Span<ulong> first = stackalloc ulong[2 * lanes];
            for (int l = 0; l < first.Length; l++) first[l] = state + (ulong)(l + 1) * Golden;
            var low = new Vector<ulong>(first);
            var high = new Vector<ulong>(first[lanes..]);
            var step = new Vector<ulong>((ulong)(2 * lanes) * Golden);
            var limit = new Vector<int>((int)threshold);
            var kept = new Vector<float>(keep);
            for (; i <= mask.Length - 2 * lanes; i += 2 * lanes)
            {
                var u = Vector.Narrow(Mix(low) >> 40, Mix(high) >> 40).As<uint, int>();
                Vector.ConditionalSelect(Vector.LessThan(u, limit).As<int, float>(), Vector<float>.Zero, kept).CopyTo(mask[i..]);
                low += step;
                high += step;
            }
        }
        for (; i < mask.Length; i++)
        {
            uint u = (uint)(Mix(state + (ulong)(i + 1) * Golden) >> 40);
            mask[i] = u < threshold ? 0f : keep;
        }
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static Vector<ulong> Mix(Vector<ulong> z)
    {
        z = (z ^ (z >> 30)) * new Vector<ulong>(0xBF58476D1CE4E5B9UL);
        z = (z ^ (z >> 27)) * new Vector<ulong>(0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
