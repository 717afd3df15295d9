namespace Mnist.Data;

/// <summary>The train and test splits of an MNIST-like dataset.</summary>
public sealed record MnistDataset(MnistSplit Train, MnistSplit Test);
