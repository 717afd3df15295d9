using MathNet.Numerics.LinearAlgebra;

namespace Mnist.Kernels;

/// <summary>Inverted dropout over a batch: a mask of 0 and 1 / (1 − rate), drawn from (seed, pass), applied forward and backward.</summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static class DropoutKernels
{
    /// <summary>Training: draws the mask of <paramref name="layer"/>'s next pass and output = input ⊙ mask. Inference: output = input.</summary>
    public static void Forward(DropoutLayer layer, Matrix<float> input, Matrix<float> output, float[] mask, bool training)
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
        // a 24-bit uniform per value from a SplitMix64 stream keyed by (seed, pass): the same run draws the same masks
        ulong state = Mix((ulong)(uint)layer.Seed * 0x9E3779B97F4A7C15UL ^ Mix((ulong)layer.Passes + 0xD1B54A32D192ED03UL));
        uint threshold = (uint)Math.Round(layer.Rate * (1 << 24));
        float keep = (float)(1 / (1 - layer.Rate));
        for (int i = 0; i < m.Length; i++)
        {
            state += 0x9E3779B97F4A7C15UL;
            uint u = (uint)(Mix(state) >> 40);
            m[i] = u < threshold ? 0f : keep;
        }
        System.Numerics.Tensors.TensorPrimitives.Multiply(x, m, y);
        layer.Passes++;
    }

    /// <summary>inputDelta = delta ⊙ mask of the last training pass.</summary>
    public static void Backward(Matrix<float> delta, float[] mask, Matrix<float> inputDelta)
    {
        var d = Gemm.Values(delta).AsSpan();
        System.Numerics.Tensors.TensorPrimitives.Multiply(d, mask.AsSpan(0, d.Length), Gemm.Values(inputDelta));
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
