using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace Mnist.Modeling;

/// <summary>
/// Softmax cross-entropy over logits with one sample per column, computed stably with
/// log-sum-exp (the maximum logit is subtracted before exponentiating).
/// </summary>
public static class SoftmaxCrossEntropy
{
    /// <summary>Writes the softmax of every column of <paramref name="logits"/> into <paramref name="probabilities"/>.</summary>
    public static void Softmax(Matrix<float> logits, Matrix<float> probabilities)
    {
        int classes = logits.RowCount;
        int count = logits.ColumnCount;
        var z = Gemm.Values(logits).AsSpan(0, classes * count);
        var p = Gemm.Values(probabilities).AsSpan(0, classes * count);
        // each column's maximum subtracted (no overflow), then one vectorised exponential over the
        // whole batch: a column holds only a few classes, too few to vectorise on its own
        for (int j = 0; j < count; j++)
        {
            var column = z.Slice(j * classes, classes);
            var output = p.Slice(j * classes, classes);
            float max = column[0];
            for (int c = 1; c < classes; c++) max = MathF.Max(max, column[c]);
            for (int c = 0; c < classes; c++) output[c] = column[c] - max;
        }
        TensorPrimitives.Exp(p, p);
        for (int j = 0; j < count; j++)
        {
            var output = p.Slice(j * classes, classes);
            float sum = 0f;
            for (int c = 0; c < classes; c++) sum += output[c];
            float inverse = 1f / sum;
            for (int c = 0; c < classes; c++) output[c] *= inverse;
        }
    }

    /// <summary>Softmax into <paramref name="probabilities"/> and the mean cross-entropy against <paramref name="labels"/>, in one pass.</summary>
    public static float Loss(Matrix<float> logits, ReadOnlySpan<int> labels, Matrix<float> probabilities)
    {
        int classes = logits.RowCount;
        int count = logits.ColumnCount;
        if (labels.Length != count) throw new ArgumentException($"{labels.Length} labels for a batch of {count}", nameof(labels));
        var z = Gemm.Values(logits).AsSpan();
        var p = Gemm.Values(probabilities).AsSpan();
        double total = 0;
        for (int j = 0; j < count; j++)
        {
            var column = z.Slice(j * classes, classes);
            var output = p.Slice(j * classes, classes);
            int label = labels[j];
            if ((uint)label >= (uint)classes) throw new ArgumentOutOfRangeException(nameof(labels), label, $"label outside 0-{classes - 1}");
            // log-sum-exp with the maximum subtracted: no overflow whatever the logits
            float max = column[0];
            for (int c = 1; c < classes; c++) max = MathF.Max(max, column[c]);
            float sum = 0;
            for (int c = 0; c < classes; c++) sum += output[c] = MathF.Exp(column[c] - max);
            float inverse = 1f / sum;
            for (int c = 0; c < classes; c++) output[c] *= inverse;
            total += max + MathF.Log(sum) - column[label];
        }
        return (float)(total / count);
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
