namespace Mnist.Training;

/// <summary>What a checkpoint records besides the parameters (kept in the .npz's zip comment, which numpy ignores).</summary>
/// <param name="Architecture">The network's architecture string, e.g. <c>784-128(ReLU)-10</c>.</param>
/// <param name="Step">Training steps done.</param>
/// <param name="Seed">The run's seed.</param>
public sealed record CheckpointInfo(string Architecture, int Step, int Seed);
