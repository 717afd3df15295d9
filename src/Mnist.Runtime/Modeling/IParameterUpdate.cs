namespace Mnist;

/// <summary>
/// An element-wise update of parameters from their gradients (every <c>torch.optim</c> rule this library has),
/// applied slice by slice as a network's backward pass computes the gradients
/// (<see cref="INetwork.TrainStep(Batch, ReadOnlySpan{int}, IParameterUpdate, NetworkWorkspace)"/>): a slice's
/// gradient is used while it is still in the cache, and a large layer's gradient is never written whole.
/// </summary>
public interface IParameterUpdate
{
    /// <summary>
    /// Moves <paramref name="values"/> — elements [<paramref name="offset"/>, offset + length) in storage order of the
    /// network's parameter number <paramref name="parameter"/> — along <paramref name="gradient"/> (the same elements of its gradient).
    /// Within one step every element is updated exactly once.
    /// </summary>
    void Update(int parameter, int offset, Span<float> values, ReadOnlySpan<float> gradient);
}
