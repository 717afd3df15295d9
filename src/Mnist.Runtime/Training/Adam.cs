namespace Mnist.Training;

/// <summary>
/// <c>torch.optim.Adam</c>: <c>m = β1·m + (1−β1)·g</c>, <c>v = β2·v + (1−β2)·g²</c>,
/// <c>p -= lr/(1−β1^t) · m / (√v/√(1−β2^t) + ε)</c>, weight decay as L2 (<c>g += λ·p</c>);
/// <see cref="AdamW"/> decays the weights directly instead. Defaults are PyTorch's: lr 1e-3,
/// betas (0.9, 0.999), eps 1e-8, no decay.
/// </summary>
public class Adam : Optimizer, Kernels.ISparseUpdate
{
    private float[][]? _mean, _variance;

    /// <summary>Adam with PyTorch's parameters.</summary>
    public Adam(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0f)
    {
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "beta1 must be in [0, 1)");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "beta2 must be in [0, 1)");
        if (!(epsilon >= 0) || float.IsInfinity(epsilon)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "eps must be 0 or positive");
        if (!(weightDecay >= 0) || float.IsInfinity(weightDecay)) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "weight decay must be 0 or positive");
        LearningRate = learningRate;
        Momentum = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
    }

    /// <summary>β1, the first moment's decay (a one-cycle schedule moves it between 0.85 and 0.95, as PyTorch's does).</summary>
    public override float Momentum { get; set; }

    /// <summary>β2.</summary>
    public float Beta2 { get; }

    /// <summary>ε.</summary>
    public float Epsilon { get; }

    /// <summary>λ.</summary>
    public float WeightDecay { get; }

    /// <summary>True for AdamW: the decay shrinks the weights instead of joining the gradient.</summary>
    protected virtual bool Decoupled => false;

    /// <inheritdoc />
    public override string Name => "adam";

    /// <inheritdoc />
    protected override void BeginStep(IReadOnlyList<Tensor> parameters)
    {
        _mean ??= parameters.Select(p => new float[p.Length]).ToArray();
        _variance ??= parameters.Select(p => new float[p.Length]).ToArray();
        _corrections = Kernels.AdamCorrections.For(LearningRate, Momentum, Beta2, Steps + 1);
    }

    // this step's bias corrections, once (BeginStep) rather than two Math.Pow per slice of the update
    private Kernels.AdamCorrections _corrections;

    /// <inheritdoc />
    protected override void Update(int parameter, int offset, Span<float> values, ReadOnlySpan<float> gradient)
    {
        ForgetResting(parameter);
        Kernels.OptimizerKernels.Adam(values, gradient, _mean![parameter].AsSpan(offset, values.Length), _variance![parameter].AsSpan(offset, values.Length),
            _corrections, LearningRate, Momentum, Beta2, Epsilon, WeightDecay, Decoupled);
    }

    void Kernels.ISparseUpdate.Update(int parameter, in Kernels.SparseGradient gradient, Span<float> weights) =>
        Kernels.OptimizerKernels.Adam(gradient, weights, _mean![parameter], _variance![parameter], RestingFlags(_mean.Length, parameter, gradient.Features),
            _corrections, LearningRate, Momentum, Beta2, Epsilon, WeightDecay, Decoupled);

    /// <inheritdoc />
    protected override IReadOnlyList<string> BufferNames => ["exp_avg", "exp_avg_sq"];

    /// <inheritdoc />
    public override IReadOnlyList<Tensor> StateOf(IReadOnlyList<Tensor> parameters) =>
        _mean is null || _variance is null ? [] : parameters.SelectMany((p, i) => new[]
        {
            new Tensor($"{p.Name}.exp_avg", [.. p.Shape], _mean[i], p.Layout),
            new Tensor($"{p.Name}.exp_avg_sq", [.. p.Shape], _variance[i], p.Layout),
        }).ToArray();

    /// <inheritdoc />
    public override void Restore(IReadOnlyList<Tensor> parameters, IReadOnlyDictionary<string, float[]> state, long steps)
    {
        base.Restore(parameters, state, steps);
        if (state.Count == 0)
        {
            _mean = _variance = null;
            return;
        }
        _mean = parameters.Select(p => StoredAs(state, $"{p.Name}.exp_avg", p)).ToArray();
        _variance = parameters.Select(p => StoredAs(state, $"{p.Name}.exp_avg_sq", p)).ToArray();
    }
}

/// <summary><c>torch.optim.AdamW</c>: Adam with decoupled weight decay (<c>p *= 1 − lr·λ</c> before the step); PyTorch's default λ is 0.01.</summary>
public sealed class AdamW(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0.01f)
    : Adam(learningRate, beta1, beta2, epsilon, weightDecay)
{
    /// <inheritdoc />
    protected override bool Decoupled => true;

    /// <inheritdoc />
    public override string Name => "adamw";
}
