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
    protected NetworkWorkspace(int batchSize, int inputs, int outputs, IReadOnlyList<LayerGradient> gradients)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch size must be positive");
        BatchSize = batchSize;
        Probabilities = Matrix<float>.Build.Dense(outputs, batchSize);
        Gradients = gradients;
        _ownPattern = new Modeling.SparseInputs(inputs, batchSize);
        InputPattern = _ownPattern;
    }

    private readonly Modeling.SparseInputs _ownPattern;
    private Modeling.SparseInputs? _prepared;

    /// <summary>The per-thread chunk buffers of <see cref="Modeling.ChunkedInference"/>, made at its first use on this workspace.</summary>
    internal Modeling.ChunkedInference.Buffers? ChunkBuffers { get; set; }

    /// <summary>Samples per batch: the column count of every input this workspace serves.</summary>
    public int BatchSize { get; }

    /// <summary>Softmax of the logits of the last forward pass, outputs × batch.</summary>
    public Matrix<float> Probabilities { get; }

    /// <summary>Per layer, the gradients of the last backward pass.</summary>
    public IReadOnlyList<LayerGradient> Gradients { get; }

    /// <summary>The inputs of the last forward pass (kept for the backward pass; not copied).</summary>
    public Matrix<float>? Inputs { get; private set; }

    /// <summary>Where the nonzero inputs of the last forward pass are (the first layer skips the zeros).</summary>
    public Modeling.SparseInputs InputPattern { get; private set; }

    /// <summary>
    /// Supplies the pattern of the next batch, analysed earlier (a test set is the same at every
    /// evaluation). When it is sparse, the next pass reads the inputs from it alone, so the
    /// input matrix need not even be loaded; when it is dense, the matrix must hold the batch.
    /// </summary>
    public void PrepareInputs(Modeling.SparseInputs pattern) => _prepared = pattern;

    /// <summary>
    /// Let the first layer skip zero inputs when a batch is sparse enough (default). Off, every
    /// product is the dense one of the BLAS backend; the results are the same sums either way.
    /// </summary>
    public bool SkipZeroInputs { get; set; } = true;

    /// <summary>Takes <paramref name="inputs"/> as the batch of the next passes (the generated code checks its shape first).</summary>
    protected void Accept(Matrix<float> inputs)
    {
        Inputs = inputs;
        if (_prepared is { } prepared && SkipZeroInputs)
        {
            InputPattern = prepared;
            _prepared = null;
            return;
        }
        _prepared = null;
        InputPattern = _ownPattern;
        InputPattern.Analyze(inputs, SkipZeroInputs);
    }
}
