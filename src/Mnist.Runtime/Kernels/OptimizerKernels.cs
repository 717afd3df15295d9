using System.Runtime.CompilerServices;

namespace Mnist.Kernels;

/// <summary>
/// The element-wise updates of <c>torch.optim</c>'s SGD (momentum, Nesterov, weight decay) and Adam/AdamW,
/// one pass over each parameter tensor, written once over the vector width. Each follows PyTorch's
/// single-tensor implementation operation by operation, so that the float results are the ones PyTorch
/// computes (up to fused multiply-adds).
/// </summary>
internal static unsafe class OptimizerKernels
{
    /// <summary>
    /// SGD with momentum: <c>g = grad + λ·p</c>; <c>b = g</c> at the first step, else <c>b = μ·b + g</c>;
    /// <c>g = g + μ·b</c> (Nesterov) or <c>g = b</c>; <c>p -= lr·g</c>. An empty
    /// <paramref name="buffer"/> means no momentum (SGD with weight decay only).
    /// </summary>
    public static void SgdMomentum(Span<float> parameter, ReadOnlySpan<float> gradient, Span<float> buffer,
        float learningRate, float momentum, float weightDecay, bool nesterov, bool first)
    {
        fixed (float* p = parameter, g = gradient, b = buffer)
        {
            var kernel = new SgdKernel(p, g, b, parameter.Length, learningRate, momentum, weightDecay, nesterov, first);
            SimdWidth.Run(ref kernel);
        }
    }

    /// <summary>
    /// The same over a sparse batch's first-layer gradient, each weight column updated as its gradient is summed; a column
    /// whose <paramref name="resting"/> flag says its state is all +0 is skipped while the batch has none of its feature.
    /// The kernel sets the flags (one per column); their owner clears them when a step does not rest or writes the state otherwise.
    /// </summary>
    public static void SgdMomentum(in SparseGradient gradient, Span<float> parameter, Span<float> buffer, Span<byte> resting,
        float learningRate, float momentum, float weightDecay, bool nesterov, bool first)
    {
        fixed (float* p = parameter, b = buffer)
        fixed (byte* r = resting)
        {
            var kernel = new SgdKernel(p, null, b, parameter.Length, learningRate, momentum, weightDecay, nesterov, first, gradient, r);
            SimdWidth.Run(ref kernel);
        }
    }

    // g null: the gradient is the sparse one. Each loop is compiled on its own: inlined into one method (or into a caller)
    // they exhaust the JIT's inlining budget, and a rule whose methods are called rather than inlined is ~3× slower
    private readonly struct SgdKernel(float* p, float* g, float* b, int length, float lr, float mu, float decay, bool nesterov, bool first,
        SparseGradient sparse = default, byte* resting = null) : ISimdKernel
    {
        // fully optimized from the first call, as the loops and as this method was before they moved out of it: with it
        // tiered, one CI run saw Adam allocate 7.6 KB in 10 updates with DOTNET_EnableHWIntrinsic=0 (not reproduced since)
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run<TV>() where TV : struct, ISimdVector<TV>
        {
            if (g != null) Dense<TV>();
            else Sparse<TV>();
        }

        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private void Dense<TV>() where TV : struct, ISimdVector<TV> => Sweep<TV, MomentumRule<TV>>(new(p, b, lr, mu, decay, nesterov, first), g, length);

        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private void Sparse<TV>() where TV : struct, ISimdVector<TV> =>
            SparseKernels.ScatterUpdate<TV, MomentumRule<TV>>(sparse, new(p, b, lr, mu, decay, nesterov, first), resting);
    }

    /// <summary>
    /// Adam (L2 decay: <c>g = grad + λ·p</c>) or AdamW (decoupled: <c>p *= 1 − lr·λ</c> first):
    /// <c>m = β1·m + (1−β1)·g</c>, <c>v = β2·v + (1−β2)·g²</c>,
    /// <c>p -= (lr / (1−β1^t)) · m / (√v · (1/√(1−β2^t)) + ε)</c>.
    /// </summary>
    public static void Adam(Span<float> parameter, ReadOnlySpan<float> gradient, Span<float> mean, Span<float> variance,
        float learningRate, float beta1, float beta2, float epsilon, float weightDecay, bool decoupled, long step) =>
        Adam(parameter, gradient, mean, variance, AdamCorrections.For(learningRate, beta1, beta2, step), learningRate, beta1, beta2, epsilon, weightDecay, decoupled);

    /// <summary>The same with the step's bias corrections computed once (<see cref="AdamCorrections.For"/>): a step updates the first layer in ~50 slices.</summary>
    public static void Adam(Span<float> parameter, ReadOnlySpan<float> gradient, Span<float> mean, Span<float> variance, AdamCorrections corrections,
        float learningRate, float beta1, float beta2, float epsilon, float weightDecay, bool decoupled)
    {
        fixed (float* p = parameter, g = gradient, m = mean, v = variance)
        {
            var kernel = new AdamKernel(p, g, m, v, parameter.Length, corrections, learningRate, beta1, beta2, epsilon, weightDecay, decoupled);
            SimdWidth.Run(ref kernel);
        }
    }

    /// <summary>
    /// The same over a sparse batch's first-layer gradient, each weight column updated as its gradient is summed; a column
    /// whose <paramref name="resting"/> flag says its state is all +0 is skipped while the batch has none of its feature.
    /// The kernel sets the flags (one per column); their owner clears them when a step does not rest or writes the state otherwise.
    /// </summary>
    public static void Adam(in SparseGradient gradient, Span<float> parameter, Span<float> mean, Span<float> variance, Span<byte> resting, AdamCorrections corrections,
        float learningRate, float beta1, float beta2, float epsilon, float weightDecay, bool decoupled)
    {
        fixed (float* p = parameter, m = mean, v = variance)
        fixed (byte* r = resting)
        {
            var kernel = new AdamKernel(p, null, m, v, parameter.Length, corrections, learningRate, beta1, beta2, epsilon, weightDecay, decoupled, gradient, r);
            SimdWidth.Run(ref kernel);
        }
    }

    // g null: the gradient is the sparse one; each loop compiled on its own, as SgdKernel's
    private readonly struct AdamKernel(float* p, float* g, float* m, float* v, int length, AdamCorrections corrections, float lr, float beta1, float beta2, float epsilon,
        float decay, bool decoupled, SparseGradient sparse = default, byte* resting = null) : ISimdKernel
    {
        // fully optimized from the first call, as the loops and as this method was before they moved out of it: with it
        // tiered, one CI run saw Adam allocate 7.6 KB in 10 updates with DOTNET_EnableHWIntrinsic=0 (not reproduced since)
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run<TV>() where TV : struct, ISimdVector<TV>
        {
            if (g != null) Dense<TV>();
            else Sparse<TV>();
        }

        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private void Dense<TV>() where TV : struct, ISimdVector<TV> =>
            Sweep<TV, AdamRule<TV>>(new(p, m, v, corrections, lr, beta1, beta2, epsilon, decay, decoupled), g, length);

        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private void Sparse<TV>() where TV : struct, ISimdVector<TV> =>
            SparseKernels.ScatterUpdate<TV, AdamRule<TV>>(sparse, new(p, m, v, corrections, lr, beta1, beta2, epsilon, decay, decoupled), resting);
    }

    // the rule over gradient[0, length): whole vectors, then the tail one float at a time
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Sweep<TV, TRule>(TRule rule, float* gradient, int length) where TV : struct, ISimdVector<TV> where TRule : struct, IUpdateRule<TV>
    {
        int i = 0, vectors = length - TV.Count;
        for (; i <= vectors; i += TV.Count) rule.Apply(i, TV.Load(gradient + i));
        for (; i < length; i++) rule.Apply(i, gradient[i]);
    }
}

/// <summary>The scalars of one Adam step: <c>lr / (1 − β1^t)</c> and <c>1 / √(1 − β2^t)</c>.</summary>
internal readonly record struct AdamCorrections(float StepSize, float InverseCorrection2Sqrt)
{
    /// <summary>PyTorch computes the bias corrections in double from the Python floats, then uses them as scalars.</summary>
    public static AdamCorrections For(float learningRate, float beta1, float beta2, long step)
    {
        double correction1 = 1 - Math.Pow(beta1, step), correction2 = 1 - Math.Pow(beta2, step);
        // PyTorch divides √v by √(1 − β2^t); its GPU kernels multiply by the reciprocal instead (a scalar divisor), which
        // differs by at most an ulp and takes a division a vector off the divider (the loop's bottleneck with the square
        // root on an earlier machine; on a Zen 5 VM its loads and stores bound it)
        return new AdamCorrections((float)(learningRate / correction1), (float)(1 / Math.Sqrt(correction2)));
    }
}
