using MathNet.Numerics.LinearAlgebra;

namespace Mnist;

/// <summary>
/// What every generated network offers, so that the trainer, checkpoints, optimizers and the app work
/// with any architecture. Batches have one sample per column (features × batch); the workspace
/// must come from the same network type's <see cref="CreateWorkspace"/>.
/// </summary>
public interface INetwork
{
    /// <summary>The shape of one input sample (1×28×28, or 784 features).</summary>
    SampleShape InputShape { get; }

    /// <summary>Input values per sample.</summary>
    int InputSize { get; }

    /// <summary>Number of classes (logits per sample).</summary>
    int OutputSize { get; }

    /// <summary>A one-line description, e.g. <c>784-128(ReLU)-10</c>.</summary>
    string Architecture { get; }

    /// <summary>The layers in order.</summary>
    IReadOnlyList<Layer> Layers { get; }

    /// <summary>Every parameter tensor, in checkpoint order (each layer's weight, then its bias).</summary>
    IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>True when the first layer can read a batch by its <see cref="SparsePattern"/> alone (a dense first layer).</summary>
    bool ReadsSparseInputs { get; }

    /// <summary>
    /// The matrix products one training step at <paramref name="batch"/> sends the BLAS backend (what <c>auto</c> times);
    /// with <paramref name="sparseInputs"/>, those of a first dense layer that skips zeros run in the sparse kernels instead.
    /// </summary>
    IReadOnlyList<LinearAlgebra.GemmShape> Products(int batch, bool sparseInputs);

    /// <summary>Buffers for batches of <paramref name="batchSize"/> samples.</summary>
    NetworkWorkspace CreateWorkspace(int batchSize);

    /// <summary>The logits (outputs × batch) of <paramref name="batch"/> in inference (dropout off), in a workspace buffer.</summary>
    Matrix<float> Forward(Batch batch, NetworkWorkspace workspace);

    /// <summary>The training forward pass (dropout on) and mean softmax cross-entropy against <paramref name="labels"/>.</summary>
    float Loss(Batch batch, ReadOnlySpan<int> labels, NetworkWorkspace workspace);

    /// <summary>The inference forward pass (dropout off, nothing drawn) and the mean softmax cross-entropy against <paramref name="labels"/>: what an evaluation measures. The softmax stays in the workspace.</summary>
    float EvaluationLoss(Batch batch, ReadOnlySpan<int> labels, NetworkWorkspace workspace);

    /// <summary>Gradients of the mean loss of the last <see cref="Loss"/> call into <see cref="NetworkWorkspace.Gradients"/>.</summary>
    void Backward(ReadOnlySpan<int> labels, NetworkWorkspace workspace);

    /// <summary>
    /// Forward, loss, backward and a plain SGD update of every parameter (<c>p -= learningRate · dLoss/dp</c>) in
    /// place, the update folded into the backward pass; returns the loss before the update. Other optimizers: <see cref="Training.Optimizer.Step"/>.
    /// </summary>
    float TrainStep(Batch batch, ReadOnlySpan<int> labels, float learningRate, NetworkWorkspace workspace);

    /// <summary>
    /// Forward, loss, backward and <paramref name="update"/> of every parameter, each gradient handed over as soon as it is
    /// known (the large first layer's by blocks); returns the loss before the update. The gradients in <paramref name="workspace"/>
    /// are scratch space here, not this step's gradients.
    /// </summary>
    float TrainStep(Batch batch, ReadOnlySpan<int> labels, IParameterUpdate update, NetworkWorkspace workspace);

    /// <summary>The most likely class of every sample; the softmax is left in <see cref="NetworkWorkspace.Probabilities"/>.</summary>
    void Predict(Batch batch, Span<int> predictions, NetworkWorkspace workspace);

    /// <summary>Copies every parameter of <paramref name="other"/> (same architecture) into this network.</summary>
    void CopyParametersFrom(INetwork other);

    /// <summary>A new network of the same type with a copy of this one's parameters (a snapshot).</summary>
    INetwork Clone();
}
