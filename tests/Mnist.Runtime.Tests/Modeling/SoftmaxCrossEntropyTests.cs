using MathNet.Numerics.LinearAlgebra;
using Mnist.Kernels;

namespace Mnist.Runtime.Tests.Modeling;

public class SoftmaxCrossEntropyTests
{
    [Theory]
    [InlineData(10, 37)]
    [InlineData(3, 1)]
    [InlineData(17, 9)]
    public void Softmax_matches_a_double_precision_reference_even_for_huge_logits(int classes, int samples)
    {
        var random = new Random(classes * 100 + samples);
        // logits far beyond exp's float range: only a softmax that subtracts the maximum survives
        var logits = Matrix<float>.Build.Dense(classes, samples, (_, _) => (float)(random.NextDouble() * 400 - 200));
        var probabilities = Matrix<float>.Build.Dense(classes, samples);

        SoftmaxCrossEntropy.Softmax(logits, probabilities);

        for (int j = 0; j < samples; j++)
        {
            double max = Enumerable.Range(0, classes).Max(c => (double)logits[c, j]);
            double sum = Enumerable.Range(0, classes).Sum(c => Math.Exp(logits[c, j] - max));
            for (int c = 0; c < classes; c++)
                Assert.Equal(Math.Exp(logits[c, j] - max) / sum, probabilities[c, j], 1e-6);
        }
    }

    [Fact]
    public void Softmax_and_the_loss_leave_the_same_probabilities()
    {
        var random = new Random(5);
        var logits = Matrix<float>.Build.Dense(10, 64, (_, _) => (float)(random.NextDouble() * 20 - 10));
        var labels = Enumerable.Range(0, 64).Select(i => i % 10).ToArray();
        var fromSoftmax = Matrix<float>.Build.Dense(10, 64);
        var fromLoss = Matrix<float>.Build.Dense(10, 64);

        SoftmaxCrossEntropy.Softmax(logits, fromSoftmax);
        SoftmaxCrossEntropy.Loss(logits, labels, fromLoss);

        Assert.Equal(fromLoss.AsColumnMajorArray(), fromSoftmax.AsColumnMajorArray());
    }
}
