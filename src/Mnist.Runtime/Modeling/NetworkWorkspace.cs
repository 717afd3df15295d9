using System.ComponentModel;
using MathNet.Numerics.LinearAlgebra;

namespace Mnist;

/// <summary>
/// Every buffer a network needs for one batch size, allocated once so that forward, backward
/// and training steps allocate nothing. Samples are columns: an input batch is features × batch.
/// The generated code derives its typed workspace from this.
/// </summary>
public abstract class NetworkWorkspace
{
    private readonly SparsePattern? _ownPattern;
    private readonly int _features;

    /// <summary>Creates the shared buffers; for generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected NetworkWorkspace(int batchSize, int features, int outputs, bool readsSparseInputs, IReadOnlyList<Tensor> gradients)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch size must be positive");
        if ((long)Math.Max(features, outputs) * batchSize > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"a batch of {batchSize} samples of {Math.Max(features, outputs)} values is larger than the largest array .NET allows");
        BatchSize = batchSize;
        _features = features;
        Probabilities = Matrix<float>.Build.Dense(outputs, batchSize);
        Gradients = gradients;
        if (readsSparseInputs) _ownPattern = new SparsePattern(features, batchSize, byFeature: true);
    }

    /// <summary>Samples per batch: the column count of every input this workspace serves.</summary>
    public int BatchSize { get; }

    /// <summary>Softmax of the logits of the last forward pass, outputs × batch.</summary>
    public Matrix<float> Probabilities { get; }

    /// <summary>The gradients of the last backward pass, one per parameter, in the order of <see cref="INetwork.Parameters"/>.</summary>
    public IReadOnlyList<Tensor> Gradients { get; }

    /// <summary>
    /// Let the first layer skip zero inputs when a dense batch is sparse enough (default). Off, every
    /// product is the dense one of the BLAS backend; the results are the same sums either way.
    /// </summary>
    public bool SkipZeroInputs { get; set; } = true;

    /// <summary>The batch of the last forward pass (kept for the backward pass; not copied), with its pattern when the first layer skipped zeros.</summary>
    public Batch Input { get; private set; }

    /// <summary>True when the last forward pass skipped the batch's zero inputs.</summary>
    public bool SkippedZeroInputs => Input.Pattern is { IsSparse: true };

    /// <summary>
    /// Takes <paramref name="batch"/> as the input of the next passes: checks its shape and, for a dense
    /// batch whose first layer can skip zeros, finds its nonzeros. For generated code.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected void Accept(Batch batch)
    {
        if (batch.Features != _features || batch.Samples != BatchSize)
            throw new ArgumentException($"inputs are {batch.Features}x{batch.Samples}; this workspace takes {_features}x{BatchSize} (features x samples)", nameof(batch));
        if (batch.Dense is null)
        {
            if (_ownPattern is null) throw new ArgumentException("this network's first layer reads a dense batch: pass the batch's matrix", nameof(batch));
            Input = batch;
            return;
        }
        if (_ownPattern is null || !SkipZeroInputs)
        {
            Input = Batch.FromMatrix(batch.Dense);
            return;
        }
        Kernels.SparseAnalysis.Analyze(_ownPattern, batch.Dense, 0, batch.Samples);
        Input = new Batch(batch.Dense, _ownPattern.IsSparse ? _ownPattern : null);
    }

    /// <summary>The dense matrix of the batch of the last forward pass; for generated code of layers that read every input.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public Matrix<float> InputMatrix => Input.Dense ?? throw new InvalidOperationException("the batch was given by its sparse pattern alone");
}
