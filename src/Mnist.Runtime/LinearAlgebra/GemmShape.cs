namespace Mnist.LinearAlgebra;

/// <summary>One matrix product a model computes: op(A) m×k times op(B) k×n.</summary>
public readonly record struct GemmShape(bool TransposeA, bool TransposeB, int M, int N, int K)
{
    /// <summary>The products of one training step of dense layers (inputs → outputs) at <paramref name="batch"/>.</summary>
    public static IReadOnlyList<GemmShape> TrainingStep(IEnumerable<(int Inputs, int Outputs)> layers, int batch)
    {
        var shapes = new List<GemmShape>();
        bool first = true;
        foreach (var (inputs, outputs) in layers)
        {
            shapes.Add(new GemmShape(false, false, outputs, batch, inputs));   // forward
            shapes.Add(new GemmShape(false, true, outputs, inputs, batch));    // weight gradient
            if (!first) shapes.Add(new GemmShape(true, false, inputs, batch, outputs)); // propagate
            first = false;
        }
        return shapes;
    }

    /// <summary>Multiply-adds.</summary>
    public long MultiplyAdds => (long)M * N * K;
}
