namespace Mnist.LinearAlgebra;

/// <summary>One matrix product a model computes: op(A) m×k times op(B) k×n.</summary>
public readonly record struct GemmShape(bool TransposeA, bool TransposeB, int M, int N, int K)
{
    /// <summary>
    /// The products of one training step of dense layers (inputs → outputs) at <paramref name="batch"/>
    /// that reach the BLAS backend. With <paramref name="sparseInputs"/>, the first layer's two
    /// products are left out: they run in the sparse kernels of <c>InputProducts</c> (unless a whole
    /// model is that one layer, when they are all there is to time).
    /// </summary>
    public static IReadOnlyList<GemmShape> TrainingStep(IEnumerable<(int Inputs, int Outputs)> layers, int batch, bool sparseInputs = false)
    {
        var shapes = new List<GemmShape>();
        bool first = true;
        foreach (var (inputs, outputs) in layers)
        {
            if (!first || !sparseInputs)
            {
                shapes.Add(new GemmShape(false, false, outputs, batch, inputs));   // forward
                shapes.Add(new GemmShape(false, true, outputs, inputs, batch));    // weight gradient
            }
            if (!first) shapes.Add(new GemmShape(true, false, inputs, batch, outputs)); // propagate
            first = false;
        }
        return shapes.Count > 0 ? shapes : TrainingStep(layers, batch);
    }

    /// <summary>Multiply-adds.</summary>
    public long MultiplyAdds => (long)M * N * K;
}
