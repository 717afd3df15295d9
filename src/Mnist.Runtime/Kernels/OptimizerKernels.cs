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

    private readonly struct SgdKernel(float* p, float* g, float* b, int length, float lr, float mu, float decay, bool nesterov, bool first) : ISimdKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run<TV>() where TV : struct, ISimdVector<TV>
        {
            var vLr = TV.Broadcast(-lr);
            var vMu = TV.Broadcast(mu);
            var vDecay = TV.Broadcast(decay);
            // fields in locals: the JIT reloads a field after every store through a pointer (as in AdamKernel)
            float* weights = p, gradients = g, buffer = b;
            bool decays = decay != 0f, firstStep = first, lookAhead = nesterov;
            int i = 0, vectors = length - TV.Count;
            for (; i <= vectors; i += TV.Count)
            {
                var grad = TV.Load(gradients + i);
                var param = TV.Load(weights + i);
                if (decays) grad = TV.MultiplyAdd(param, vDecay, grad);
                if (buffer != null)
                {
                    var buf = firstStep ? grad : TV.MultiplyAdd(TV.FlushTiny(TV.Load(buffer + i)), vMu, grad);
                    TV.Store(buf, buffer + i);
                    grad = lookAhead ? TV.MultiplyAdd(buf, vMu, grad) : buf;
                }
                TV.Store(TV.MultiplyAdd(grad, vLr, param), weights + i);
            }
            for (; i < length; i++)
            {
                float grad = g[i];
                if (decay != 0f) grad = MathF.FusedMultiplyAdd(p[i], decay, grad);
                if (b != null)
                {
                    float buf = first ? grad : MathF.FusedMultiplyAdd(SimdTiny.Flush(b[i]), mu, grad);
                    b[i] = buf;
                    grad = nesterov ? MathF.FusedMultiplyAdd(buf, mu, grad) : buf;
                }
                p[i] = MathF.FusedMultiplyAdd(grad, -lr, p[i]);
            }
        }
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
            var kernel = new AdamKernel(p, g, m, v, parameter.Length, learningRate, beta1, beta2, epsilon, weightDecay, decoupled, corrections.StepSize, corrections.InverseCorrection2Sqrt);
            SimdWidth.Run(ref kernel);
        }
    }

    private readonly struct AdamKernel(float* p, float* g, float* m, float* v, int length, float lr, float beta1, float beta2, float epsilon,
        float decay, bool decoupled, float stepSize, float inverseCorrection2Sqrt) : ISimdKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run<TV>() where TV : struct, ISimdVector<TV>
        {
            float shrink = 1f - lr * decay;
            // the decay as a multiply-add on the gradient (L2) and a product with the weights (decoupled), one of them
            // the identity: no branch in the loop, and the loop without decay (the default) has neither
            var vShrink = TV.Broadcast(decoupled ? shrink : 1f);
            var vDecay = TV.Broadcast(decoupled ? 0f : decay);
            var vBeta1 = TV.Broadcast(beta1);
            var vOneMinusBeta1 = TV.Broadcast(1f - beta1);
            var vBeta2 = TV.Broadcast(beta2);
            var vOneMinusBeta2 = TV.Broadcast(1f - beta2);
            var vEpsilon = TV.Broadcast(epsilon);
            var vInverseCorrection2Sqrt = TV.Broadcast(inverseCorrection2Sqrt);
            var vStep = TV.Broadcast(-stepSize);
            // the fields in locals: the JIT reloads a field after every store through a pointer
            float* weights = p, gradients = g, means = m, variances = v;
            int i = 0, vectors = length - TV.Count;
            if (decay == 0f)
            {
                for (; i <= vectors; i += TV.Count)
                    Step(TV.Load(weights + i), TV.Load(gradients + i), i);
            }
            else
            {
                for (; i <= vectors; i += TV.Count)
                {
                    var weight = TV.Load(weights + i);
                    Step(TV.Multiply(weight, vShrink), TV.MultiplyAdd(weight, vDecay, TV.Load(gradients + i)), i);
                }
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            void Step(TV weight, TV grad, int at)
            {
                var mean = TV.MultiplyAdd(grad, vOneMinusBeta1, TV.Multiply(TV.FlushTiny(TV.Load(means + at)), vBeta1));
                var variance = TV.MultiplyAdd(TV.Multiply(grad, grad), vOneMinusBeta2, TV.Multiply(TV.FlushTiny(TV.Load(variances + at)), vBeta2));
                TV.Store(mean, means + at);
                TV.Store(variance, variances + at);
                var denominator = TV.MultiplyAdd(TV.Sqrt(variance), vInverseCorrection2Sqrt, vEpsilon);
                TV.Store(TV.MultiplyAdd(TV.Divide(mean, denominator), vStep, weight), weights + at);
            }

            for (; i < length; i++)
            {
                float param = p[i], grad = g[i];
                if (decay != 0f)
                {
                    if (decoupled) param *= shrink;
                    else grad = MathF.FusedMultiplyAdd(param, decay, grad);
                }
                float mean = MathF.FusedMultiplyAdd(grad, 1f - beta1, SimdTiny.Flush(m[i]) * beta1);
                float variance = MathF.FusedMultiplyAdd(grad * grad, 1f - beta2, SimdTiny.Flush(v[i]) * beta2);
                m[i] = mean;
                v[i] = variance;
                float denominator = MathF.FusedMultiplyAdd(MathF.Sqrt(variance), inverseCorrection2Sqrt, epsilon);
                p[i] = MathF.FusedMultiplyAdd(mean / denominator, -stepSize, param);
            }
        }
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
