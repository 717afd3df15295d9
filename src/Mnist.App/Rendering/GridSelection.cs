using Mnist.Data;
using Mnist.Training;

namespace Mnist.App.Rendering;

/// <summary>Which test digits the grid shows: a seeded random sample, or only the mistakes.</summary>
public static class GridSelection
{
    /// <summary>
    /// <paramref name="count"/> cells from the evaluator's last run over <paramref name="test"/>:
    /// random distinct samples (seeded), or, with <paramref name="errorsOnly"/>, random mistakes.
    /// </summary>
    public static List<GridCell> Choose(MnistSplit test, Evaluator evaluator, int count, int seed, bool errorsOnly)
    {
        var predictions = evaluator.Predictions.ToArray();
        var confidences = evaluator.Confidences.ToArray();
        var candidates = Enumerable.Range(0, test.Count)
            .Where(i => !errorsOnly || predictions[i] != test.Labels[i])
            .ToArray();
        new Random(seed).Shuffle(candidates);
        return candidates.Take(count)
            .Select(i => new GridCell(test.Image(i).ToArray(), test.Labels[i], predictions[i], confidences[i]))
            .ToList();
    }
}
