using MathNet.Numerics.LinearAlgebra;

namespace Mnist;

/// <summary>
/// Every buffer a network needs for one batch size, allocated once so that forward, backward
/// and training steps allocate nothing. Samples are columns: an input batch is inputs × batch.
/// The generated code derives its typed workspace from this.
/// </summary>
public abstract class NetworkWorkspace
{
    /// <summary>Creates the shared buffers.</summary>
    protected NetworkWorkspace(int batchSize, int outputs, IReadOnlyList<LayerGradient> gradients)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch size must be positive");
        BatchSize = batchSize;
        Probabilities = Matrix<float>.Build.Dense(outputs, batchSize);
        Gradients = gradients;
    }

    /// <summary>Samples per batch: the column count of every input this workspace serves.</summary>
    public int BatchSize { get; }

    /// <summary>Softmax of the logits of the last forward pass, outputs × batch.</summary>
    public Matrix<float> Probabilities { get; }

    /// <summary>Per layer, the gradients of the last backward pass.</summary>
    public IReadOnlyList<LayerGradient> Gradients { get; }

    /// <summary>The inputs of the last forward pass (kept for the backward pass; not copied).</summary>
    public Matrix<float>? Inputs { get; protected set; }
}
