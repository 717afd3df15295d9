using MathNet.Numerics.LinearAlgebra;
using Mnist.LinearAlgebra;
using Mnist.Modeling;
using Mnist.Runtime.Tests.LinearAlgebra;
using Mnist.Training;

namespace Mnist.Runtime.Tests.Modeling;

/// <summary>A large batch predicted chunk by chunk on two threads must give what one pass on one thread gives (to the last bits).</summary>
[Collection(ProviderCollection.Name)]
public sealed class ChunkedInferenceTests : RestoresProvider
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)] // noise on every pixel: each chunk is too dense for the sparse kernels
    public void Chunk_by_chunk_on_two_threads_equals_one_pass_on_one(bool sparse)
    {
        // two full chunks and a short last one, with one image dense among sparse ones
        int columns = 2 * ChunkedInference.Chunk + 77;
        var split = LearnableData.Split(columns, 5, sparse);
        var inputs = Matrix<float>.Build.Dense(784, columns);
        BatchLoader.LoadRange(split, 0, inputs, new int[columns]);
        if (sparse)
        {
            for (int p = 0; p < 784; p++) inputs[p, 600] = 0.5f;
            for (int j = 0; j < columns; j += 2) for (int p = 300; p < 340; p++) inputs[p, j] = 0.25f; // pixels nonzero in half the images
        }
        var network = new SeedNetwork(4);
        Assert.NotEmpty(DenseFeatures.Frequent(inputs, ChunkedInference.DenseFraction)); // some pixels go the dense way

        BlasBackends.Install(new SimdGemmBackend(1));
        var onePass = new int[columns];
        var serial = network.CreateWorkspace(columns);
        network.Predict(inputs, onePass, serial);
        Assert.False(ChunkedInference.TryPredict(network, inputs, new int[columns], serial)); // one thread: not chunked

        BlasBackends.Install(new SimdGemmBackend(2));
        var chunked = new int[columns];
        var parallel = network.CreateWorkspace(columns);
        Assert.True(ChunkedInference.TryPredict(network, inputs, chunked, parallel));
        var generated = new int[columns];
        network.Predict(inputs, generated, parallel); // the generated Predict goes the same way

        // the same terms, the frequent pixels' added by one dense product: equal but for the last bits
        Assert.Equal(onePass, chunked);
        Assert.Equal(onePass, generated);
        var expected = serial.Probabilities.ToColumnMajorArray();
        var actual = parallel.Probabilities.ToColumnMajorArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-6f);
    }

    [Fact]
    public void A_batch_smaller_than_two_chunks_takes_the_one_pass_path()
    {
        BlasBackends.Install(new SimdGemmBackend(2));
        var network = new SeedNetwork(4);
        int columns = 2 * ChunkedInference.Chunk - 1;
        Assert.False(ChunkedInference.TryPredict(network, Matrix<float>.Build.Dense(784, columns), new int[columns], network.CreateWorkspace(columns)));
    }
}
