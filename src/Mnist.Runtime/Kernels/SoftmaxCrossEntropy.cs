using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace Mnist.Kernels;

/// <summary>
/// Softmax cross-entropy over logits with one sample per column, computed stably with
/// log-sum-exp (the maximum logit is subtracted before exponentiating). For generated code and the runtime.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static class SoftmaxCrossEntropy
{
    /// <summary>Writes the softmax of every column of <paramref name="logits"/> into <paramref name="probabilities"/>.</summary>
    public static void Softmax(Matrix<float> logits, Matrix<float> probabilities)
    {
        int classes = logits.RowCount;
        var p = Gemm.Values(probabilities).AsSpan(0, classes * logits.ColumnCount);
        ExponentiateShifted(logits, p);
        for (int j = 0; j < logits.ColumnCount; j++) Normalize(p.Slice(j * classes, classes));
    }

    /// <summary>Softmax into <paramref name="probabilities"/> (the same values as <see cref="Softmax"/>) and the mean cross-entropy against <paramref name="labels"/>.</summary>
    public static float Loss(Matrix<float> logits, ReadOnlySpan<int> labels, Matrix<float> probabilities)
    {
        int classes = logits.RowCount;
        int count = logits.ColumnCount;
        if (labels.Length != count) throw new ArgumentException($"{labels.Length} labels for a batch of {count}", nameof(labels));
        foreach (int label in labels)
            if ((uint)label >= (uint)classes) throw new ArgumentOutOfRangeException(nameof(labels), label, $"label outside 0-{classes - 1}");
        var z = Gemm.Values(logits).AsSpan();
        var p = Gemm.Values(probabilities).AsSpan(0, classes * count);
        ExponentiateShifted(logits, p);
        double total = 0;
        for (int j = 0; j < count; j++)
        {
            var column = z.Slice(j * classes, classes);
            var output = p.Slice(j * classes, classes);
            // log-sum-exp with the maximum subtracted: −log softmax[label] = max + log Σ exp(z − max) − z[label]
            float sum = Normalize(output);
            total += Max(column) + MathF.Log(sum) - column[labels[j]];
        }
        return (float)(total / count);
    }

    /// <summary>
    /// exp(z − max of its column) for every logit, into <paramref name="output"/>: the shift keeps exp
    /// from overflowing, and one vectorised exponential covers the whole batch (a column holds too few
    /// classes to vectorise on its own).
    /// </summary>
    private static void ExponentiateShifted(Matrix<float> logits, Span<float> output)
    {
        int classes = logits.RowCount;
        var z = Gemm.Values(logits).AsSpan();
        for (int j = 0; j < logits.ColumnCount; j++)
        {
            var column = z.Slice(j * classes, classes);
            var shifted = output.Slice(j * classes, classes);
            float max = Max(column);
            for (int c = 0; c < classes; c++) shifted[c] = column[c] - max;
        }
        TensorPrimitives.Exp(output, output);
    }

    /// <summary>The largest value of a column of logits (a few classes: a plain loop beats a vectorised call).</summary>
    private static float Max(ReadOnlySpan<float> column)
    {
        float max = column[0];
        for (int c = 1; c < column.Length; c++) max = MathF.Max(max, column[c]);
        return max;
    }

    /// <summary>Divides <paramref name="column"/> by its sum, which it returns.</summary>
    private static float Normalize(Span<float> column)
    {
        float sum = 0f;
        for (int c = 0; c < column.Length; c++) sum += column[c];
        float inverse = 1f / sum;
        for (int c = 0; c < column.Length; c++) column[c] *= inverse;
        return sum;
    }

    /// <summary>d(mean loss)/d(logits) = (softmax − one-hot) / batch, written into <paramref name="delta"/>.</summary>
    public static void Gradient(Matrix<float> probabilities, ReadOnlySpan<int> labels, Matrix<float> delta)
    {
        int classes = probabilities.RowCount;
        int count = probabilities.ColumnCount;
        var p = Gemm.Values(probabilities).AsSpan();
        var d = Gemm.Values(delta).AsSpan();
        float scale = 1f / count;
        TensorPrimitives.Multiply(p, scale, d);
        for (int j = 0; j < count; j++) d[j * classes + labels[j]] -= scale;
    }

    /// <summary>The index of the largest logit of every column (the first one on ties).</summary>
    public static void ArgMax(Matrix<float> logits, Span<int> predictions)
    {
        int classes = logits.RowCount;
        var z = Gemm.Values(logits).AsSpan();
        for (int j = 0; j < logits.ColumnCount; j++)
        {
            var column = z.Slice(j * classes, classes);
            int best = 0;
            for (int c = 1; c < classes; c++) if (column[c] > column[best]) best = c;
            predictions[j] = best;
        }
    }
}
