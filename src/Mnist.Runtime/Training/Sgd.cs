namespace Mnist.Training;

/// <summary>
/// <c>torch.optim.SGD</c>: <c>p -= lr · g</c>, with L2 weight decay (<c>g += λ·p</c>), momentum
/// (<c>b = μ·b + g</c>, the first step <c>b = g</c>) and Nesterov's variant (<c>g += μ·b</c>), dampening 0.
/// Plain SGD (no momentum, no decay) folds its update into the backward pass: nothing is written to a
/// gradient buffer and no pass over the parameters follows.
/// </summary>
public sealed class Sgd : Optimizer, Kernels.ISparseUpdate
{
    private float[][]? _buffers;
    private long _buffersMadeAt = -1; // the step whose updates fill the new buffers with the gradient

    // this step fills new buffers with the gradient (torch.optim's first momentum step)
    private bool FillsNewBuffers => Steps == _buffersMadeAt;

    /// <summary>SGD with step size <paramref name="learningRate"/>, <paramref name="momentum"/> (0: none), <paramref name="weightDecay"/> and <paramref name="nesterov"/>.</summary>
    public Sgd(float learningRate, float momentum = 0f, float weightDecay = 0f, bool nesterov = false)
    {
        if (!(momentum >= 0 && momentum < 1)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "momentum must be in [0, 1)");
        if (!(weightDecay >= 0) || float.IsInfinity(weightDecay)) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "weight decay must be 0 or positive");
        if (nesterov && momentum == 0) throw new ArgumentException("Nesterov momentum needs a momentum above 0", nameof(nesterov));
        LearningRate = learningRate;
        Momentum = momentum;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
    }

    /// <summary>μ; a one-cycle schedule moves it between 0.85 and 0.95 as PyTorch's does.</summary>
    public override float Momentum { get; set; }

    /// <summary>λ, added to the gradient as <c>λ·p</c> (L2).</summary>
    public float WeightDecay { get; }

    /// <summary>Nesterov's momentum.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc />
    public override string Name => Nesterov ? "nesterov" : Momentum > 0 ? "momentum" : "sgd";

    /// <inheritdoc />
    protected override bool FoldsIntoBackward => Momentum == 0 && WeightDecay == 0 && _buffers is null;

    /// <inheritdoc />
    protected override void BeginStep(IReadOnlyList<Tensor> parameters)
    {
        if (_buffers is not null || Momentum == 0) return;
        // torch.optim keeps no buffer until the first step, which copies the gradient into it
        _buffers = parameters.Select(p => new float[p.Length]).ToArray();
        _buffersMadeAt = Steps;
    }

    /// <inheritdoc />
    protected override void Update(int parameter, int offset, Span<float> values, ReadOnlySpan<float> gradient)
    {
        ForgetResting(parameter);
        var buffer = _buffers is null ? default : _buffers[parameter].AsSpan(offset, values.Length);
        Kernels.OptimizerKernels.SgdMomentum(values, gradient, buffer, LearningRate, Momentum, WeightDecay, Nesterov, first: FillsNewBuffers);
    }

    // the first step of new buffers does not rest (its buffer is the gradient itself): the flags start again after it
    private Span<byte> Resting(int parameter, int columns)
    {
        var flags = RestingFlags(_buffers!.Length, parameter, columns);
        if (FillsNewBuffers) flags.AsSpan().Clear();
        return flags;
    }

    void Kernels.ISparseUpdate.Update(int parameter, in Kernels.SparseGradient gradient, Span<float> weights) =>
        Kernels.OptimizerKernels.SgdMomentum(gradient, weights, _buffers is null ? default : _buffers[parameter],
            _buffers is null ? default : Resting(parameter, gradient.Features), LearningRate, Momentum, WeightDecay, Nesterov, first: FillsNewBuffers);

    /// <inheritdoc />
    protected override IReadOnlyList<string> BufferNames => Momentum > 0 || _buffers is not null ? ["momentum_buffer"] : [];

    /// <inheritdoc />
    public override IReadOnlyList<Tensor> StateOf(IReadOnlyList<Tensor> parameters) =>
        _buffers is null ? [] : parameters.Select((p, i) => new Tensor($"{p.Name}.momentum_buffer", [.. p.Shape], _buffers[i], p.Layout)).ToArray();

    /// <inheritdoc />
    public override void Restore(IReadOnlyList<Tensor> parameters, IReadOnlyDictionary<string, float[]> state, long steps)
    {
        base.Restore(parameters, state, steps);
        _buffers = state.Count > 0 ? parameters.Select(p => StoredAs(state, $"{p.Name}.momentum_buffer", p)).ToArray() : null;
        _buffersMadeAt = -1;
    }
}
