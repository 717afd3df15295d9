using System.Numerics;
using System.Runtime.CompilerServices;

namespace Mnist.Kernels;

/// <summary>
/// One optimizer's element-wise rule at one vector width: moves the parameter elements at an index (and the
/// optimizer's state at the same index) along their gradient. Written once per optimizer, a rule is driven either
/// over a gradient in memory (<see cref="OptimizerKernels"/>) or straight from the registers in which a sparse
/// product sums a weight column's gradient (<see cref="SparseKernels.ScatterUpdate{TV, TRule}"/>), so that the
/// first layer's gradient is never stored at all.
/// </summary>
internal unsafe interface IUpdateRule<TV> where TV : struct, ISimdVector<TV>
{

    /// <summary>Moves elements [<paramref name="at"/>, at + TV.Count) along <paramref name="gradient"/>.</summary>
    void Apply(long at, TV gradient);

    /// <summary>
    /// True when elements whose state is all +0 are fixed points of this step's rule under a +0 gradient (state and
    /// parameter unchanged, bit for bit), so that an update may skip them: no weight decay, and state that is kept. It must
    /// not change from one step to the next unless the owner of the flags that record resting columns clears them.
    /// </summary>
    bool Rests { get; }

    /// <summary>True when the state of elements [<paramref name="at"/>, at + <paramref name="length"/>) is all +0.</summary>
    bool AtRest(long at, int length);

    /// <summary>
    /// Moves element <paramref name="at"/> (a tail shorter than a vector) with the vector form's operations, so that an element
    /// gets the same result wherever the tails fall (a sparse update's tails are the ends of weight columns, a dense pass's the
    /// end of the tensor).
    /// </summary>
    void Apply(long at, float gradient);
}

/// <summary>
/// <c>torch.optim.Adam</c>'s step (L2 decay: <c>g = grad + λ·p</c>) or AdamW's (decoupled: <c>p *= 1 − lr·λ</c> first):
/// <c>m = β1·m + (1−β1)·g</c>, <c>v = β2·v + (1−β2)·g²</c>, <c>p -= (lr / (1−β1^t)) · m / (√v · (1/√(1−β2^t)) + ε)</c>.
/// </summary>
internal readonly unsafe struct AdamRule<TV> : IUpdateRule<TV> where TV : struct, ISimdVector<TV>
{
    // element at's moments: m at _moments + at + (at & _columnMask), v _varianceOffset further (see AdamMoments)
    private readonly float* _weights, _moments;
    private readonly long _columnMask, _varianceOffset;
    private readonly bool _decays, _decoupled;
    private readonly float _shrink, _decay, _beta1, _beta2, _epsilon, _inverseCorrection2Sqrt, _stepSize;
    // the decay as a multiply-add on the gradient (L2) and a product with the weights (decoupled), one of them the identity
    private readonly TV _vShrink, _vDecay, _vBeta1, _vOneMinusBeta1, _vBeta2, _vOneMinusBeta2, _vEpsilon, _vInverseCorrection2Sqrt, _vStep;

    // inlined, so that the rule is a local whose fields the JIT keeps in registers (built by a call, it is reloaded from memory after every store: 3× slower)
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public AdamRule(float* weights, float* moments, AdamMoments layout, AdamCorrections corrections,
        float learningRate, float beta1, float beta2, float epsilon, float weightDecay, bool decoupled)
    {
        _weights = weights;
        _moments = moments;
        (_columnMask, _varianceOffset) = (layout.ColumnMask, layout.VarianceOffset);
        (_decays, _decoupled, _decay, _beta1, _beta2, _epsilon) = (weightDecay != 0f, decoupled, weightDecay, beta1, beta2, epsilon);
        (_shrink, _inverseCorrection2Sqrt, _stepSize) = (1f - learningRate * weightDecay, corrections.InverseCorrection2Sqrt, corrections.StepSize);
        _vShrink = TV.Broadcast(decoupled ? _shrink : 1f);
        _vDecay = TV.Broadcast(decoupled ? 0f : weightDecay);
        _vBeta1 = TV.Broadcast(beta1);
        _vOneMinusBeta1 = TV.Broadcast(1f - beta1);
        _vBeta2 = TV.Broadcast(beta2);
        _vOneMinusBeta2 = TV.Broadcast(1f - beta2);
        _vEpsilon = TV.Broadcast(epsilon);
        _vInverseCorrection2Sqrt = TV.Broadcast(_inverseCorrection2Sqrt);
        _vStep = TV.Broadcast(-_stepSize);
    }

    // m = β1·0 + (1−β1)·0 = +0, v likewise, and p − step·0/(0·c + ε) = p: a pixel no image of the training set lights
    // keeps its column unchanged while its moments are zero
    public bool Rests
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => !_decays;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // a call would take the rule's address and keep its fields in memory
    public bool AtRest(long at, int length) =>
        SimdTiny.AllZeroBits(Mean(at) + _varianceOffset, length) && SimdTiny.AllZeroBits(Mean(at), length);

    // at's first moment; a vector never straddles two columns (their length is a power of two of at least 16 floats)
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private float* Mean(long at) => _moments + at + (at & _columnMask);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(long at, TV gradient)
    {
        var weight = TV.Load(_weights + at);
        if (_decays)
        {
            gradient = TV.MultiplyAdd(weight, _vDecay, gradient);
            weight = TV.Multiply(weight, _vShrink);
        }
        float* m = Mean(at), v = m + _varianceOffset;
        var mean = TV.MultiplyAdd(gradient, _vOneMinusBeta1, TV.Multiply(TV.FlushTiny(TV.Load(m)), _vBeta1));
        var variance = TV.MultiplyAdd(TV.Multiply(gradient, gradient), _vOneMinusBeta2, TV.Multiply(TV.FlushTiny(TV.Load(v)), _vBeta2));
        TV.Store(mean, m);
        TV.Store(variance, v);
        var denominator = TV.MultiplyAdd(TV.Sqrt(variance), _vInverseCorrection2Sqrt, _vEpsilon);
        TV.Store(TV.MultiplyAdd(TV.Divide(mean, denominator), _vStep, weight), _weights + at);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(long at, float gradient)
    {
        float weight = _weights[at];
        if (_decays)
        {
            if (_decoupled) weight *= _shrink;
            else gradient = SimdWidth.MultiplyAdd(weight, _decay, gradient);
        }
        float* m = Mean(at), v = m + _varianceOffset;
        float mean = SimdWidth.MultiplyAdd(gradient, 1f - _beta1, SimdTiny.Flush(*m) * _beta1);
        float variance = SimdWidth.MultiplyAdd(gradient * gradient, 1f - _beta2, SimdTiny.Flush(*v) * _beta2);
        *m = mean;
        *v = variance;
        float denominator = SimdWidth.MultiplyAdd(MathF.Sqrt(variance), _inverseCorrection2Sqrt, _epsilon);
        _weights[at] = SimdWidth.MultiplyAdd(mean / denominator, -_stepSize, weight);
    }
}

/// <summary>
/// Where Adam keeps a tensor's two moments, in one array of twice its length: a matrix stored column by column whose
/// columns are a power of two of at least 16 floats long (the first layer's 128) has them column by column, a column's
/// first moments then its second (<c>[m₀ v₀ m₁ v₁ …]</c>), so that its update streams two arrays, not three; any other
/// tensor has all its first moments, then all its second. Saved and restored in PyTorch's form, one tensor each.
/// </summary>
internal readonly record struct AdamMoments(long ColumnMask, long VarianceOffset, int Rows)
{
    /// <summary>The layout of <paramref name="parameter"/>'s moments.</summary>
    public static AdamMoments For(Tensor parameter) =>
        parameter.Layout == TensorLayout.ColumnMajor && parameter.Shape[0] is int rows && rows >= 16 && BitOperations.IsPow2(rows)
            ? new(~(long)(rows - 1), rows, rows)
            : new(0, parameter.Length, 0);

    /// <summary>True when the moments go column by column.</summary>
    public bool ByColumn => Rows > 0;

    /// <summary>Index of element <paramref name="at"/>'s first moment (its second is <see cref="VarianceOffset"/> further).</summary>
    public long Mean(long at) => at + (at & ColumnMask);

    /// <summary>The moments of the slice of the tensor from element <paramref name="offset"/> on (a column's start when they go by column).</summary>
    public Span<float> Of(float[] moments, int offset)
    {
        if (ByColumn && offset % Rows != 0) throw new ArgumentException($"a slice of a matrix whose moments go by column starts at a column, not at {offset}", nameof(offset));
        return moments.AsSpan((int)Mean(offset));
    }

    /// <summary>The first moments (<paramref name="second"/>: the second) in the tensor's own storage order, from <paramref name="moments"/>.</summary>
    public float[] Unpack(float[] moments, bool second)
    {
        var values = new float[moments.Length / 2];
        for (long at = 0; at < values.Length; at++) values[at] = moments[Mean(at) + (second ? VarianceOffset : 0)];
        return values;
    }

    /// <summary>The moments array from the first and second moments in the tensor's storage order.</summary>
    public float[] Pack(float[] means, float[] variances)
    {
        var moments = new float[2 * means.Length];
        for (long at = 0; at < means.Length; at++)
        {
            moments[Mean(at)] = means[at];
            moments[Mean(at) + VarianceOffset] = variances[at];
        }
        return moments;
    }
}

/// <summary>
/// <c>torch.optim.SGD</c>'s step with momentum or weight decay: <c>g = grad + λ·p</c>; <c>b = g</c> at the first step,
/// else <c>b = μ·b + g</c>; <c>g = g + μ·b</c> (Nesterov) or <c>g = b</c>; <c>p -= lr·g</c>. A null buffer means no
/// momentum (weight decay only).
/// </summary>
internal readonly unsafe struct MomentumRule<TV> : IUpdateRule<TV> where TV : struct, ISimdVector<TV>
{
    private readonly float* _weights, _buffer;
    private readonly bool _decays, _nesterov, _first;
    private readonly float _learningRate, _momentum, _decay;
    private readonly TV _vRate, _vMomentum, _vDecay;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public MomentumRule(float* weights, float* buffer, float learningRate, float momentum, float weightDecay, bool nesterov, bool first)
    {
        _weights = weights;
        _buffer = buffer;
        (_decays, _nesterov, _first) = (weightDecay != 0f, nesterov, first);
        (_learningRate, _momentum, _decay) = (learningRate, momentum, weightDecay);
        _vRate = TV.Broadcast(-learningRate);
        _vMomentum = TV.Broadcast(momentum);
        _vDecay = TV.Broadcast(weightDecay);
    }

    // b = μ·0 + 0 = +0 and p − lr·0 = p; not at the first step, whose buffer is the gradient itself
    public bool Rests
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => !_decays && !_first && _buffer != null;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // a call would take the rule's address and keep its fields in memory
    public bool AtRest(long at, int length) => SimdTiny.AllZeroBits(_buffer + at, length);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(long at, TV gradient)
    {
        var weight = TV.Load(_weights + at);
        if (_decays) gradient = TV.MultiplyAdd(weight, _vDecay, gradient);
        if (_buffer != null)
        {
            var buffered = _first ? gradient : TV.MultiplyAdd(TV.FlushTiny(TV.Load(_buffer + at)), _vMomentum, gradient);
            TV.Store(buffered, _buffer + at);
            gradient = _nesterov ? TV.MultiplyAdd(buffered, _vMomentum, gradient) : buffered;
        }
        TV.Store(TV.MultiplyAdd(gradient, _vRate, weight), _weights + at);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(long at, float gradient)
    {
        if (_decays) gradient = SimdWidth.MultiplyAdd(_weights[at], _decay, gradient);
        if (_buffer != null)
        {
            float buffered = _first ? gradient : SimdWidth.MultiplyAdd(SimdTiny.Flush(_buffer[at]), _momentum, gradient);
            _buffer[at] = buffered;
            gradient = _nesterov ? SimdWidth.MultiplyAdd(buffered, _momentum, gradient) : buffered;
        }
        _weights[at] = SimdWidth.MultiplyAdd(gradient, -_learningRate, _weights[at]);
    }
}
