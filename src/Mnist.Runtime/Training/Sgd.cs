namespace Mnist.Training;

/// <summary>Plain stochastic gradient descent, <c>p -= lr · g</c> (<c>torch.optim.SGD</c> without momentum or decay): the update is folded into the backward pass.</summary>
public sealed class Sgd : Optimizer
{
    /// <summary>SGD with step size <paramref name="learningRate"/>.</summary>
    public Sgd(float learningRate) => LearningRate = learningRate;

    /// <inheritdoc />
    public override string Name => "sgd";

    /// <inheritdoc />
    protected override bool FoldsIntoBackward => true;

    /// <inheritdoc />
    protected override void Update(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> gradients)
    {
        for (int i = 0; i < parameters.Count; i++)
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(gradients[i].Values, -LearningRate, parameters[i].Values, parameters[i].Values);
    }
}
