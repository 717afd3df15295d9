namespace Mnist.Training;

/// <summary>
/// The training loss summed over the steps since the last evaluation, which the next history row
/// averages. A run stopped between two evaluations saves it (<see cref="OptimizerState"/>) so that its
/// resume writes the rows an uninterrupted run would.
/// </summary>
/// <param name="Sum">The sum of the steps' losses, in the order they were taken.</param>
/// <param name="Steps">How many steps that was.</param>
public readonly record struct PendingLoss(double Sum, int Steps);
