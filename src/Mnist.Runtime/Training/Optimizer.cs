namespace Mnist.Training;

/// <summary>
/// How parameters move along their gradients: one object owns its state (momentum buffers, moments:
/// one buffer per parameter, made at the first step, so that later steps allocate nothing) and can save
/// and restore it (<see cref="StateOf"/>, <see cref="Restore"/>). The update rules follow
/// <c>torch.optim</c> and are element-wise, so a network applies them slice by slice as its backward pass
/// computes the gradients (<see cref="IParameterUpdate"/>). <see cref="Step"/> is one training step: forward,
/// loss, backward and update — for plain SGD the update folded into the backward pass's products.
/// </summary>
public abstract class Optimizer : IParameterUpdate
{
    /// <summary>The step size of the next update (a schedule sets it before each step).</summary>
    public float LearningRate { get; set; }

    /// <summary>The momentum (SGD's μ, Adam's β1) of the next update, which a one-cycle schedule moves; 0 when there is none.</summary>
    public virtual float Momentum { get => 0f; set { } }

    /// <summary>Updates done so far (counting those before a restore).</summary>
    public long Steps { get; protected set; }

    /// <summary>A short name: <c>sgd</c>, <c>momentum</c>, <c>nesterov</c>, <c>adam</c>, <c>adamw</c>.</summary>
    public abstract string Name { get; }

    /// <summary>True when the update can be folded into the backward pass (plain SGD without decay or momentum).</summary>
    protected virtual bool FoldsIntoBackward => false;

    /// <summary>One training step on <paramref name="batch"/>: forward, loss, backward and this optimizer's update of every parameter. Returns the loss before the update.</summary>
    public float Step(INetwork network, Batch batch, ReadOnlySpan<int> labels, NetworkWorkspace workspace)
    {
        float loss;
        if (FoldsIntoBackward)
        {
            loss = network.TrainStep(batch, labels, LearningRate, workspace);
        }
        else
        {
            // each gradient is used as the backward pass computes it (see IParameterUpdate)
            BeginStep(network.Parameters);
            loss = network.TrainStep(batch, labels, this, workspace);
        }
        Steps++;
        return loss;
    }

    /// <summary>One update of <paramref name="parameters"/> from <paramref name="gradients"/> computed elsewhere (same order, same shapes).</summary>
    public void Apply(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> gradients)
    {
        if (parameters.Count != gradients.Count) throw new ArgumentException($"{gradients.Count} gradients for {parameters.Count} parameters", nameof(gradients));
        for (int i = 0; i < parameters.Count; i++)
            if (parameters[i].Length != gradients[i].Length || parameters[i].Layout != gradients[i].Layout)
                throw new ArgumentException($"gradient '{gradients[i].Name}' does not fit parameter '{parameters[i].Name}'", nameof(gradients));
        BeginStep(parameters);
        for (int i = 0; i < parameters.Count; i++) Update(i, 0, parameters[i].Values, gradients[i].Values);
        Steps++;
    }

    /// <summary>Makes the state for <paramref name="parameters"/> (at the first step) before a step's updates.</summary>
    protected virtual void BeginStep(IReadOnlyList<Tensor> parameters) { }

    /// <summary>
    /// Moves elements [<paramref name="offset"/>, offset + length) of parameter number <paramref name="parameter"/> along their gradient —
    /// a whole tensor (<see cref="Apply"/>) or a slice of one as the backward pass computes it (<see cref="Step"/>).
    /// </summary>
    protected abstract void Update(int parameter, int offset, Span<float> values, ReadOnlySpan<float> gradient);

    void IParameterUpdate.Update(int parameter, int offset, Span<float> values, ReadOnlySpan<float> gradient) => Update(parameter, offset, values, gradient);

    /// <summary>The state to save with a run, one tensor per buffer, named after the parameters (<c>linear.weight.exp_avg</c>, as PyTorch's state); empty before the first step and for plain SGD.</summary>
    public virtual IReadOnlyList<Tensor> StateOf(IReadOnlyList<Tensor> parameters) => [];

    /// <summary>Puts back a state saved from <see cref="StateOf"/> (values in PyTorch's C order, by name) after <paramref name="steps"/> updates.</summary>
    public virtual void Restore(IReadOnlyList<Tensor> parameters, IReadOnlyDictionary<string, float[]> state, long steps)
    {
        Steps = steps;
        _resting = null;
    }

    /// <summary>The buffers kept per parameter, as the suffixes of their state names (<c>exp_avg</c>, <c>exp_avg_sq</c>); none for plain SGD.</summary>
    protected virtual IReadOnlyList<string> BufferNames => [];

    /// <summary>The names and shapes of the state a restore expects for <paramref name="parameters"/> after at least one step.</summary>
    public IReadOnlyList<(string Key, int[] Shape)> StateShapes(IReadOnlyList<Tensor> parameters) =>
        parameters.SelectMany(p => BufferNames.Select(b => ($"{p.Name}.{b}", p.Shape.ToArray()))).ToList();

    // Per parameter updated column by column (SparseKernels.ScatterUpdate), a flag per weight column: its state is all +0,
    // so that while no sample of a batch has its feature the update leaves it as it is and skips it. Anything else that
    // writes the state forgets them.
    private byte[]?[]? _resting;

    /// <summary>The resting flags of parameter number <paramref name="parameter"/> (made, all clear, at its first column-by-column update).</summary>
    private protected byte[] RestingFlags(int parameters, int parameter, int columns)
    {
        _resting ??= new byte[]?[parameters];
        return _resting[parameter] ??= new byte[columns];
    }

    /// <summary>Clears parameter number <paramref name="parameter"/>'s resting flags: its state is about to be written another way.</summary>
    private protected void ForgetResting(int parameter)
    {
        if (_resting?[parameter] is { } flags) flags.AsSpan().Clear();
    }

    /// <summary>Weight columns of parameter number <paramref name="parameter"/> whose state the last column-by-column update left at rest.</summary>
    internal int RestingColumns(int parameter) => _resting?[parameter]?.Count(flag => flag != 0) ?? 0;

    /// <summary>The buffer stored under <paramref name="key"/> for <paramref name="parameter"/>, in its storage order.</summary>
    protected static float[] StoredAs(IReadOnlyDictionary<string, float[]> state, string key, Tensor parameter)
    {
        if (!state.TryGetValue(key, out var values)) throw new ArgumentException($"the saved state has no {key}");
        var buffer = new float[parameter.Length];
        new Tensor(key, [.. parameter.Shape], buffer, parameter.Layout).CopyFrom(values);
        return buffer;
    }
}
