using Mnist;

namespace Mnist.Benchmarks;

/// <summary>The original program's network, compiled by the generator for the benchmarks.</summary>
[Network(Inputs = 784)]
[Dense(128, Activation.ReLU, Name = "linear")]
[Dense(10, Name = "linear2")]
public sealed partial class BenchmarkNetwork;
