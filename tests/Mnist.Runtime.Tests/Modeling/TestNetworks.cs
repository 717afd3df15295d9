namespace Mnist.Runtime.Tests.Modeling;

/// <summary>The seed architecture, compiled by the generator into this test assembly.</summary>
[Network(Inputs = 784)]
[Dense(128, Activation.ReLU, Name = "linear")]
[Dense(10, Name = "linear2")]
public sealed partial class SeedNetwork;

/// <summary>A different architecture with the same input size, for mismatch tests.</summary>
[Network(Inputs = 784)]
[Dense(64, Activation.Tanh, Name = "linear")]
[Dense(10, Name = "linear2")]
public sealed partial class NarrowNetwork;

/// <summary>A network for 8×8 images of 4 classes: the trainer takes any labelled image set of its input shape.</summary>
[Network(Inputs = 64)]
[Dense(16, Activation.ReLU, Name = "hidden")]
[Dense(4, Name = "out")]
public sealed partial class SmallImageNetwork;

/// <summary>A hidden layer of 101 units: weight columns end in partial vectors at every width (64 + 2·16 + 5 with AVX-512), for the tails of the column-at-a-time kernels.</summary>
[Network(Inputs = 784)]
[Dense(101, Activation.ReLU, Name = "linear")]
[Dense(10, Name = "linear2")]
public sealed partial class OddWidthNetwork;
