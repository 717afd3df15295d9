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
    private readonly float* _weights, _means, _variances;
    private readonly bool _decays, _decoupled;
    private readonly float _shrink, _decay, _beta1, _beta2, _epsilon, _inverseCorrection2Sqrt, _stepSize;
    // the decay as a multiply-add on the gradient (L2) and a product with the weights (decoupled), one of them the identity
    private readonly TV _vShrink, _vDecay, _vBeta1, _vOneMinusBeta1, _vBeta2, _vOneMinusBeta2, _vEpsilon, _vInverseCorrection2Sqrt, _vStep;

    // inlined, so that the rule is a local whose fields the JIT keeps in registers (built by a call, it is reloaded from memory after every store: 3× slower)
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public AdamRule(float* weights, float* means, float* variances, AdamCorrections corrections,
        float learningRate, float beta1, float beta2, float epsilon, float weightDecay, bool decoupled)
    {
        _weights = weights;
        _means = means;
        _variances = variances;
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
    public bool AtRest(long at, int length) => SimdTiny.AllZeroBits(_variances + at, length) && SimdTiny.AllZeroBits(_means + at, length);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(long at, TV gradient)
    {
        var weight = TV.Load(_weights + at);
        if (_decays)
        {
            gradient = TV.MultiplyAdd(weight, _vDecay, gradient);
            weight = TV.Multiply(weight, _vShrink);
        }
        var mean = TV.MultiplyAdd(gradient, _vOneMinusBeta1, TV.Multiply(TV.FlushTiny(TV.Load(_means + at)), _vBeta1));
        var variance = TV.MultiplyAdd(TV.Multiply(gradient, gradient), _vOneMinusBeta2, TV.Multiply(TV.FlushTiny(TV.Load(_variances + at)), _vBeta2));
        TV.Store(mean, _means + at);
        TV.Store(variance, _variances + at);
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
        float mean = SimdWidth.MultiplyAdd(gradient, 1f - _beta1, SimdTiny.Flush(_means[at]) * _beta1);
        float variance = SimdWidth.MultiplyAdd(gradient * gradient, 1f - _beta2, SimdTiny.Flush(_variances[at]) * _beta2);
        _means[at] = mean;
        _variances[at] = variance;
        float denominator = SimdWidth.MultiplyAdd(MathF.Sqrt(variance), _inverseCorrection2Sqrt, _epsilon);
        _weights[at] = SimdWidth.MultiplyAdd(mean / denominator, -_stepSize, weight);
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
