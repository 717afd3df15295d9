using MathNet.Numerics.LinearAlgebra;
using Mnist.Kernels;

namespace Mnist.Runtime.Tests.Kernels;

/// <summary>The convolution, pooling and dropout kernels against naive double-precision loops (at whatever vector width runs them: CI runs every one).</summary>
public class ConvKernelTests
{
    internal static Matrix<float> Random(int rows, int columns, int seed)
    {
        var random = new Random(seed);
        return Matrix<float>.Build.Dense(rows, columns, (_, _) => (float)(random.NextDouble() * 2 - 1));
    }

    // float results against double references: a relative and absolute tolerance (xunit's decimal places round at boundaries)
    internal static void Close(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 2e-5 + 2e-5 * Math.Abs(expected), $"expected {expected}, got {actual}");

    internal static double NaiveConv(Matrix<float> x, Window2D g, float[] weight, int f, int n, int i, int j)
    {
        double sum = 0;
        for (int c = 0; c < g.Channels; c++)
            for (int u = 0; u < g.Size; u++)
                for (int v = 0; v < g.Size; v++)
                {
                    int r = i * g.Stride - g.Padding + u, q = j * g.Stride - g.Padding + v;
                    if (r >= 0 && r < g.Height && q >= 0 && q < g.Width)
                        sum += (double)weight[((f * g.Channels + c) * g.Size + u) * g.Size + v] * x[(c * g.Height + r) * g.Width + q, n];
                }
        return sum;
    }

    public static TheoryData<int, int, int, int, int, int> Windows => new()
    {
        // channels, height, width, size, stride, padding
        { 1, 28, 28, 3, 1, 0 },
        { 3, 9, 8, 3, 1, 1 },
        { 2, 7, 11, 5, 1, 2 },
        { 1, 6, 6, 1, 1, 0 },
        { 3, 10, 9, 3, 2, 1 },
    };

    [Theory]
    [MemberData(nameof(Windows))]
    public void Patch_matrix_product_and_direct_kernel_equal_the_naive_convolution(int channels, int height, int width, int size, int stride, int padding)
    {
        var g = new Window2D(channels, height, width, size, stride, padding);
        const int samples = 3, filters = 6;
        var x = Random(g.InputFeatures, samples, 1);
        var layer = new Conv2DLayer("c", g, filters, Activation.Identity, new Random(2));
        var weight = layer.Parameters[0].Values.ToArray();
        var bias = layer.Bias;

        var viaProduct = Matrix<float>.Build.Dense(filters * g.Positions, samples);
        ConvKernels.Forward(x, layer, viaProduct, new Conv2DScratch(g, filters, samples));
        for (int n = 0; n < samples; n++)
            for (int f = 0; f < filters; f++)
                for (int i = 0; i < g.OutputHeight; i++)
                    for (int j = 0; j < g.OutputWidth; j++)
                        Close(NaiveConv(x, g, weight, f, n, i, j) + bias[f], viaProduct[(f * g.OutputHeight + i) * g.OutputWidth + j, n]);

        if (stride != 1) return;
        var direct = Matrix<float>.Build.Dense(filters * g.Positions, samples);
        DirectConvKernels.Forward(x, layer, direct, new DirectConvScratch(g, filters));
        for (int k = 0; k < direct.RowCount * samples; k++)
            Close(viaProduct.ToColumnMajorArray()[k], direct.ToColumnMajorArray()[k]);
    }

    [Theory]
    [MemberData(nameof(Windows))]
    public void Im2col_lays_the_patches_out_position_by_position(int channels, int height, int width, int size, int stride, int padding)
    {
        var g = new Window2D(channels, height, width, size, stride, padding);
        const int samples = 2;
        var x = Random(g.InputFeatures, samples, 9);
        var columns = Matrix<float>.Build.Dense(g.Positions * samples, g.Patch, float.NaN);
        ConvKernels.Im2Col(x, g, columns);
        for (int n = 0; n < samples; n++)
            for (int i = 0; i < g.OutputHeight; i++)
                for (int j = 0; j < g.OutputWidth; j++)
                    for (int c = 0; c < channels; c++)
                        for (int u = 0; u < size; u++)
                            for (int v = 0; v < size; v++)
                            {
                                int r = i * stride - padding + u, q = j * stride - padding + v;
                                float expected = r >= 0 && r < height && q >= 0 && q < width ? x[(c * height + r) * width + q, n] : 0f;
                                Assert.Equal(expected, columns[n * g.Positions + i * g.OutputWidth + j, (c * size + u) * size + v]);
                            }
    }

    [Theory]
    [MemberData(nameof(Windows))]
    public void Col2im_adds_every_patch_value_back_and_the_direct_gradient_equals_the_naive_one(int channels, int height, int width, int size, int stride, int padding)
    {
        var g = new Window2D(channels, height, width, size, stride, padding);
        const int samples = 2, filters = 5;
        var x = Random(g.InputFeatures, samples, 3);
        var columns = Random(g.Positions * samples, g.Patch, 4);
        var dx = Matrix<float>.Build.Dense(g.InputFeatures, samples, 99f);
        ConvKernels.Col2Im(columns, g, dx);
        var expected = new double[g.InputFeatures, samples];
        for (int n = 0; n < samples; n++)
            for (int i = 0; i < g.OutputHeight; i++)
                for (int j = 0; j < g.OutputWidth; j++)
                    for (int c = 0; c < channels; c++)
                        for (int u = 0; u < size; u++)
                            for (int v = 0; v < size; v++)
                            {
                                int r = i * stride - padding + u, q = j * stride - padding + v;
                                if (r >= 0 && r < height && q >= 0 && q < width)
                                    expected[(c * height + r) * width + q, n] += columns[n * g.Positions + i * g.OutputWidth + j, (c * size + u) * size + v];
                            }
        for (int n = 0; n < samples; n++)
            for (int k = 0; k < g.InputFeatures; k++) Close(expected[k, n], dx[k, n]);

        if (stride != 1) return;
        // dL/dW[f, c, u, v] = Σ delta[f, i, j] · x[c, i + u − p, j + v − p], dL/db[f] = Σ delta[f, i, j]
        var delta = Random(filters * g.Positions, samples, 5);
        var weightGradient = new float[filters * g.Patch];
        var biasGradient = new float[filters];
        Array.Fill(weightGradient, 1f);
        Array.Fill(biasGradient, 1f);
        DirectConvKernels.WeightGradient(x, new Conv2DLayer("c", g, filters, Activation.Identity, new Random(2)), delta, -0.5f, 2f, weightGradient, biasGradient, new DirectConvScratch(g, filters));
        for (int f = 0; f < filters; f++)
        {
            double db = 0;
            for (int n = 0; n < samples; n++)
                for (int p = 0; p < g.Positions; p++) db += delta[f * g.Positions + p, n];
            Close(2 - 0.5 * db, biasGradient[f]);
            for (int c = 0; c < channels; c++)
                for (int u = 0; u < size; u++)
                    for (int v = 0; v < size; v++)
                    {
                        double dw = 0;
                        for (int n = 0; n < samples; n++)
                            for (int i = 0; i < g.OutputHeight; i++)
                                for (int j = 0; j < g.OutputWidth; j++)
                                {
                                    int r = i - padding + u, q = j - padding + v;
                                    if (r >= 0 && r < height && q >= 0 && q < width)
                                        dw += (double)delta[(f * g.OutputHeight + i) * g.OutputWidth + j, n] * x[(c * height + r) * width + q, n];
                                }
                        Close(2 - 0.5 * dw, weightGradient[((f * channels + c) * size + u) * size + v]);
                    }
        }
    }

    [Theory]
    // 3×3 over 32 channels (the convnet's conv2) goes through WinogradKernels (WinogradKernelTests); 7 channels keep these blocks
    [InlineData(7, 13, 13, 3, 0, 64, 1)]  // one image, 64 filters: whole blocks of filters
    [InlineData(7, 13, 13, 3, 0, 10, 3)]  // a last block of two filters
    [InlineData(5, 17, 9, 5, 2, 7, 2)] // padding, a wide grid of 17 × 13 that ends inside a block of vectors
    [InlineData(2, 30, 31, 7, 3, 4, 1)]
    public void Direct_forward_equals_the_naive_convolution_with_its_activation(int channels, int height, int width, int size, int padding, int filters, int samples)
    {
        var g = new Window2D(channels, height, width, size, 1, padding);
        Assert.False(WinogradKernels.Applies(g));
        var layer = new Conv2DLayer("c", g, filters, Activation.ReLU, new Random(2));
        var weight = layer.Parameters[0].Values.ToArray();
        var x = Random(g.InputFeatures, samples, 1);
        var y = Matrix<float>.Build.Dense(filters * g.Positions, samples, float.NaN);
        var scratch = new DirectConvScratch(g, filters);
        for (int repeat = 0; repeat < 2; repeat++) // the scratch is reused: nothing of one call leaks into the next
        {
            DirectConvKernels.Forward(x, layer, y, scratch);
            for (int n = 0; n < samples; n++)
                for (int f = 0; f < filters; f++)
                    for (int i = 0; i < g.OutputHeight; i++)
                        for (int j = 0; j < g.OutputWidth; j++)
                            Close(Math.Max(0, NaiveConv(x, g, weight, f, n, i, j) + layer.Bias[f]), y[(f * g.OutputHeight + i) * g.OutputWidth + j, n]);
            x = Random(g.InputFeatures, samples, 2);
        }
    }

    [Fact]
    public void Direct_kernels_refuse_a_stride_other_than_one()
    {
        var g = new Window2D(1, 9, 9, 3, 2, 0);
        var layer = new Conv2DLayer("c2", g, 4, Activation.Identity, new Random(2));
        var error = Assert.Throws<ArgumentException>(() => DirectConvKernels.Forward(Random(g.InputFeatures, 1, 1), layer, Matrix<float>.Build.Dense(4 * g.Positions, 1), new DirectConvScratch(g, 4)));
        Assert.Contains("stride 2", error.Message);
    }

    [Theory]
    [InlineData(32, 13, 13, 3, 1, 0, 10)] // conv2 of the convnet: chunks of 3 samples, split over the threads
    [InlineData(4, 15, 14, 5, 2, 2, 7)]
    [InlineData(3, 9, 8, 3, 1, 1, 5)]     // stride 1 with padding: the error on the wide grid through padded planes
    [InlineData(32, 13, 13, 2, 1, 0, 40)] // chunks of 3 and a last of 1, twice: the wide delta's layout changes and back
    public void Chunked_forward_and_backward_equal_the_naive_convolution_and_its_gradients(int channels, int height, int width, int size, int stride, int padding, int samples)
    {
        var g = new Window2D(channels, height, width, size, stride, padding);
        const int filters = 6;
        var layer = new Conv2DLayer("c", g, filters, Activation.Identity, new Random(2));
        var weight = layer.Parameters[0].Values.ToArray();
        var scratch = new Conv2DScratch(g, filters, samples);
        if (channels == 32) Assert.True(scratch.ChunkSamples < samples, "the convnet-sized cases must take several chunks");
        var x = Random(g.InputFeatures, samples, 1);
        var y = Matrix<float>.Build.Dense(filters * g.Positions, samples);
        ConvKernels.Forward(x, layer, y, scratch);
        for (int n = 0; n < samples; n++)
            for (int f = 0; f < filters; f++)
                for (int i = 0; i < g.OutputHeight; i++)
                    for (int j = 0; j < g.OutputWidth; j++)
                        Close(NaiveConv(x, g, weight, f, n, i, j) + layer.Bias[f], y[(f * g.OutputHeight + i) * g.OutputWidth + j, n]);

        var delta = Random(filters * g.Positions, samples, 6);
        var dx = Matrix<float>.Build.Dense(g.InputFeatures, samples, 7f);
        var dw = Enumerable.Repeat(1f, weight.Length).ToArray();
        var db = Enumerable.Repeat(1f, filters).ToArray();
        ConvKernels.Backward(x, layer, delta, dx, -0.5f, 2f, dw, db, scratch);
        var expectedDx = new double[g.InputFeatures, samples];
        var expectedDw = new double[weight.Length];
        var expectedDb = new double[filters];
        for (int n = 0; n < samples; n++)
            for (int f = 0; f < filters; f++)
                for (int i = 0; i < g.OutputHeight; i++)
                    for (int j = 0; j < g.OutputWidth; j++)
                    {
                        double d = delta[(f * g.OutputHeight + i) * g.OutputWidth + j, n];
                        expectedDb[f] += d;
                        for (int c = 0; c < channels; c++)
                            for (int u = 0; u < size; u++)
                                for (int v = 0; v < size; v++)
                                {
                                    int r = i * stride - padding + u, q = j * stride - padding + v;
                                    if (r < 0 || r >= height || q < 0 || q >= width) continue;
                                    int wi = ((f * channels + c) * size + u) * size + v, xi = (c * height + r) * width + q;
                                    expectedDw[wi] += d * x[xi, n];
                                    expectedDx[xi, n] += d * weight[wi];
                                }
                    }
        for (int k = 0; k < weight.Length; k++) Close(2 - 0.5 * expectedDw[k], dw[k]);
        for (int f = 0; f < filters; f++) Close(2 - 0.5 * expectedDb[f], db[f]);
        for (int n = 0; n < samples; n++)
            for (int k = 0; k < g.InputFeatures; k++) Close(expectedDx[k, n], dx[k, n]);
        // again: the same error, whatever the buffers kept from the first pass
        dx = Matrix<float>.Build.Dense(g.InputFeatures, samples, -3f);
        ConvKernels.Backward(x, layer, delta, dx, -0.5f, 2f, dw, db, scratch);
        for (int n = 0; n < samples; n++)
            for (int k = 0; k < g.InputFeatures; k++) Close(expectedDx[k, n], dx[k, n]);
    }

    [Theory]
    [InlineData(2, 2, 7)] // the specialised 2×2 path, rows too short for a vector
    [InlineData(2, 2, 41)] // the specialised 2×2 path with vectors, and an odd width
    [InlineData(2, 2, 26)] // blocks of eight windows, the last overlapping (pool1 of the convnet: 13 windows a row)
    [InlineData(2, 2, 11)] // blocks of four (pool2: 5 windows a row)
    [InlineData(3, 2, 7)] // the general one (gathered eight windows at a time), overlapping windows
    [InlineData(2, 1, 7)]
    public void Max_pooling_takes_the_first_of_equal_maxima_propagates_nan_and_routes_the_gradient_there(int size, int stride, int width)
    {
        var g = new Window2D(2, 6, width, size, stride);
        var random = new Random(5);
        var x = Matrix<float>.Build.Dense(g.InputFeatures, 2, (_, _) => random.Next(3) / 2f); // ties in every direction of a window
        x[3, 1] = float.NaN;
        x[width * 2 + 5, 0] = float.NaN;
        x[width * 2 + 6, 0] = float.NaN; // two NaNs in one window: the later one wins
        var y = Matrix<float>.Build.Dense(2 * g.Positions, 2);
        var argmax = new int[y.RowCount * 2];
        PoolKernels.MaxPool(x, g, y, argmax);
        for (int n = 0; n < 2; n++)
            for (int c = 0; c < 2; c++)
                for (int i = 0; i < g.OutputHeight; i++)
                    for (int j = 0; j < g.OutputWidth; j++)
                    {
                        // PyTorch's scan: row by row, replace when greater or NaN
                        int best = -1;
                        float max = float.NegativeInfinity;
                        for (int u = 0; u < size; u++)
                            for (int v = 0; v < size; v++)
                            {
                                int index = (c * 6 + i * stride + u) * width + j * stride + v;
                                float value = x[index, n];
                                if (best < 0 || value > max || float.IsNaN(value)) { max = value; best = index; }
                            }
                        int o = (c * g.OutputHeight + i) * g.OutputWidth + j;
                        Assert.Equal(best, argmax[n * y.RowCount + o]);
                        Assert.Equal(max, y[o, n]);
                    }
        Assert.Contains(float.NaN, y.Column(1).ToArray());
        // inference's pooling, without the positions, gives the same maxima
        var values = Matrix<float>.Build.Dense(y.RowCount, 2, -7f);
        PoolKernels.MaxPoolValues(x, g, values);
        Assert.Equal(y.ToColumnMajorArray(), values.ToColumnMajorArray());

        var delta = Matrix<float>.Build.Dense(y.RowCount, 2, (r, n) => r + 10 * n + 1);
        var dx = Matrix<float>.Build.Dense(g.InputFeatures, 2, 5f);
        PoolKernels.MaxPoolBackward(delta, argmax, g, dx);
        var expected = new double[g.InputFeatures, 2];
        for (int n = 0; n < 2; n++)
            for (int o = 0; o < y.RowCount; o++) expected[argmax[n * y.RowCount + o], n] += delta[o, n];
        for (int n = 0; n < 2; n++)
            for (int k = 0; k < g.InputFeatures; k++) Assert.Equal(expected[k, n], dx[k, n]);
    }

    [Fact]
    public void Average_pooling_is_the_window_mean_and_spreads_the_gradient_evenly()
    {
        var g = new Window2D(3, 7, 6, 3, 2);
        var x = Random(g.InputFeatures, 2, 7);
        var y = Matrix<float>.Build.Dense(3 * g.Positions, 2);
        PoolKernels.AvgPool(x, g, y);
        var delta = Random(y.RowCount, 2, 8);
        var dx = Matrix<float>.Build.Dense(g.InputFeatures, 2, 1f);
        PoolKernels.AvgPoolBackward(delta, g, dx);
        var expected = new double[g.InputFeatures, 2];
        for (int n = 0; n < 2; n++)
            for (int c = 0; c < 3; c++)
                for (int i = 0; i < g.OutputHeight; i++)
                    for (int j = 0; j < g.OutputWidth; j++)
                    {
                        double sum = 0;
                        int o = (c * g.OutputHeight + i) * g.OutputWidth + j;
                        for (int u = 0; u < 3; u++)
                            for (int v = 0; v < 3; v++)
                            {
                                int index = (c * 7 + i * 2 + u) * 6 + j * 2 + v;
                                sum += x[index, n];
                                expected[index, n] += delta[o, n] / 9.0;
                            }
                        Close(sum / 9, y[o, n]);
                    }
        for (int n = 0; n < 2; n++)
            for (int k = 0; k < g.InputFeatures; k++) Close(expected[k, n], dx[k, n]);
    }
}
