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
        var all = layers.ToList();
        bool skipFirst = sparseInputs && all.Count > 1;
        var shapes = new List<GemmShape>();
        for (int l = 0; l < all.Count; l++)
        {
            var (inputs, outputs) = all[l];
            if (l > 0 || !skipFirst)
            {
                shapes.Add(new GemmShape(false, false, outputs, batch, inputs));   // forward
                shapes.Add(new GemmShape(false, true, outputs, inputs, batch));    // weight gradient
            }
            if (l > 0) shapes.Add(new GemmShape(true, false, inputs, batch, outputs)); // propagate
        }
        return shapes;
    }

    /// <summary>Multiply-adds.</summary>
    public long MultiplyAdds => (long)M * N * K;
}
