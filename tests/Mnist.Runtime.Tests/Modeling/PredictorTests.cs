using MathNet.Numerics.LinearAlgebra;
using Mnist.Kernels;
using Mnist.LinearAlgebra;
using Mnist.Runtime.Tests.LinearAlgebra;
using Mnist.Training;

namespace Mnist.Runtime.Tests.Modeling;

/// <summary>A large batch predicted chunk by chunk on two threads must give what one pass on one thread gives (to the last bits).</summary>
[Collection(ProviderCollection.Name)]
public sealed class PredictorTests : RestoresProvider
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)] // noise on every pixel: each chunk is too dense for the sparse kernels
    public void Chunk_by_chunk_on_two_threads_equals_one_pass_on_one(bool sparse)
    {
        // two full chunks and a short last one, with one image dense among sparse ones
        int columns = 2 * Tuning.InferenceChunk + 77;
        var split = LearnableData.Split(columns, 5, sparse);
        var inputs = Matrix<float>.Build.Dense(784, columns);
        BatchLoader.LoadRange(split, 0, inputs, new int[columns]);
        if (sparse)
        {
            for (int p = 0; p < 784; p++) inputs[p, 600] = 0.5f;
            for (int j = 0; j < columns; j += 2) for (int p = 300; p < 340; p++) inputs[p, j] = 0.25f; // pixels nonzero in half the images
        }
        var network = new SeedNetwork(4);
        Assert.NotEmpty(DenseFeatures.Frequent(inputs, Tuning.DenseFeatureFraction)); // some pixels go the dense way

        BlasBackends.Install(new SimdGemmBackend(1));
        var onePass = new int[columns];
        var serial = network.CreateWorkspace(columns);
        network.Predict(inputs, onePass, serial);
        var oneThread = new Predictor(network);
        var viaPredictor = new int[columns];
        oneThread.Predict(inputs, viaPredictor); // one thread: the network's own Predict
        Assert.Equal(onePass, viaPredictor);
        Assert.Equal(serial.Probabilities.ToColumnMajorArray(), oneThread.Probabilities.ToColumnMajorArray());

        BlasBackends.Install(new SimdGemmBackend(2));
        var chunked = new int[columns];
        var predictor = new Predictor(network);
        predictor.Predict(inputs, chunked);

        // the same terms, the frequent pixels' added by one dense product: equal but for the last bits
        Assert.Equal(onePass, chunked);
        var expected = serial.Probabilities.ToColumnMajorArray();
        var actual = predictor.Probabilities.ToColumnMajorArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-6f);
    }

    [Fact]
    public void A_batch_smaller_than_two_chunks_takes_the_networks_own_predict()
    {
        BlasBackends.Install(new SimdGemmBackend(2));
        var network = new SeedNetwork(4);
        int columns = 2 * Tuning.InferenceChunk - 1;
        var random = new Random(1);
        var inputs = Matrix<float>.Build.Dense(784, columns, (_, _) => random.NextDouble() < 0.2 ? 1f : 0f);
        var expected = new int[columns];
        network.Predict(inputs, expected, network.CreateWorkspace(columns));
        var actual = new int[columns];
        var predictor = new Predictor(network);
        predictor.Predict(inputs, actual);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Inputs_of_another_size_are_refused_with_the_sizes()
    {
        var e = Assert.Throws<ArgumentException>(() => new Predictor(new SeedNetwork()).Predict(Matrix<float>.Build.Dense(700, 3), new int[3]));
        Assert.StartsWith("inputs have 700 features; the network takes 784", e.Message);
    }
}
