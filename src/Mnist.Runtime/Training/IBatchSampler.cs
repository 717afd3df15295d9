namespace Mnist.Training;

/// <summary>Chooses which training samples make up each step's batch.</summary>
public interface IBatchSampler
{
    /// <summary>Fills <paramref name="indices"/> with the next batch's sample indices.</summary>
    void Next(Span<int> indices);
}
