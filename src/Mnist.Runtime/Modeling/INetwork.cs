using MathNet.Numerics.LinearAlgebra;

namespace Mnist;

/// <summary>
/// What every generated network offers, so that the trainer, checkpoints and the app work with any
/// architecture. Batches are matrices with one sample per column (inputs × batch); the workspace
/// must come from the same network type's <see cref="CreateWorkspace"/>.
/// </summary>
public interface INetwork
{
    /// <summary>Input features per sample.</summary>
    int InputSize { get; }

    /// <summary>Number of classes (logits per sample).</summary>
    int OutputSize { get; }

    /// <summary>The layers in order, with their parameters.</summary>
    IReadOnlyList<DenseLayer> Layers { get; }

    /// <summary>A one-line description, e.g. <c>784-128(ReLU)-10</c>.</summary>
    string Architecture { get; }

    /// <summary>Buffers for batches of <paramref name="batchSize"/> samples.</summary>
    NetworkWorkspace CreateWorkspace(int batchSize);

    /// <summary>The logits (outputs × batch) of <paramref name="inputs"/>, in a workspace buffer.</summary>
    Matrix<float> Forward(Matrix<float> inputs, NetworkWorkspace workspace);

    /// <summary>Forward pass and mean softmax cross-entropy against <paramref name="labels"/>.</summary>
    float Loss(Matrix<float> inputs, ReadOnlySpan<int> labels, NetworkWorkspace workspace);

    /// <summary>Gradients of the mean loss of the last <see cref="Loss"/> call into <see cref="NetworkWorkspace.Gradients"/>.</summary>
    void Backward(ReadOnlySpan<int> labels, NetworkWorkspace workspace);

    /// <summary>Forward, loss, backward and an SGD update of every parameter, in place; returns the loss before the update.</summary>
    float TrainStep(Matrix<float> inputs, ReadOnlySpan<int> labels, float learningRate, NetworkWorkspace workspace);

    /// <summary>The most likely class of every sample; the softmax is left in <see cref="NetworkWorkspace.Probabilities"/>.</summary>
    void Predict(Matrix<float> inputs, Span<int> predictions, NetworkWorkspace workspace);

    /// <summary>Copies every parameter of <paramref name="other"/> (same architecture) into this network.</summary>
    void CopyParametersFrom(INetwork other);

    /// <summary>A new network of the same type with a copy of this one's parameters (a snapshot).</summary>
    INetwork Clone();
}
