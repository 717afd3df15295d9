namespace Mnist.Training;

/// <summary>
/// How parameters move along their gradients: one object owns its state (moments and the like, one
/// buffer per parameter, made at the first step, so that later steps allocate nothing) and can save
/// and restore it (<see cref="State"/>, <see cref="Restore"/>). The update rules follow
/// <c>torch.optim</c>. <see cref="Step"/> is one training step: forward, loss, backward and update —
/// for plain SGD the update folded into the backward pass (<see cref="INetwork.TrainStep"/>), as fast
/// as computing the gradients alone.
/// </summary>
public abstract class Optimizer
{
    /// <summary>The step size of the next update (a schedule sets it before each step).</summary>
    public float LearningRate { get; set; }

    /// <summary>Updates done so far (counting those before a restore).</summary>
    public long Steps { get; protected set; }

    /// <summary>A short name: <c>sgd</c>, <c>adam</c>, ...</summary>
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
            loss = network.Loss(batch, labels, workspace);
            network.Backward(labels, workspace);
            Update(network.Parameters, workspace.Gradients);
        }
        Steps++;
        return loss;
    }

    /// <summary>Moves every parameter along its gradient (<paramref name="gradients"/>[i] belongs to <paramref name="parameters"/>[i], same storage order).</summary>
    protected abstract void Update(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> gradients);

    /// <summary>The state to save with a run, named after the parameters (<c>linear.weight.exp_avg</c>); empty for plain SGD.</summary>
    public virtual IReadOnlyList<Tensor> State => [];

    /// <summary>Puts back a state saved from <see cref="State"/> after <paramref name="steps"/> updates; the tensors are matched by name and shape.</summary>
    public virtual void Restore(IReadOnlyList<Tensor> parameters, IReadOnlyDictionary<string, float[]> state, long steps) => Steps = steps;
}
