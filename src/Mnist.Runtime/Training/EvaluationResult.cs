namespace Mnist.Training;

/// <summary>How a network did on a labelled set: accuracy, mean loss, and the confusion matrix with per-class precision and recall.</summary>
public sealed class EvaluationResult
{
    /// <summary>Builds the summary from true and predicted classes.</summary>
    public EvaluationResult(ReadOnlySpan<byte> labels, ReadOnlySpan<int> predictions, double meanLoss, int classes)
    {
        Count = labels.Length;
        Loss = meanLoss;
        Confusion = new int[classes, classes];
        int correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            Confusion[labels[i], predictions[i]]++;
            if (labels[i] == predictions[i]) correct++;
        }
        Correct = correct;
        Precision = new double[classes];
        Recall = new double[classes];
        for (int c = 0; c < classes; c++)
        {
            int predicted = 0, actual = 0;
            for (int o = 0; o < classes; o++)
            {
                predicted += Confusion[o, c];
                actual += Confusion[c, o];
            }
            Precision[c] = predicted == 0 ? 0 : (double)Confusion[c, c] / predicted;
            Recall[c] = actual == 0 ? 0 : (double)Confusion[c, c] / actual;
        }
    }

    /// <summary>Samples evaluated.</summary>
    public int Count { get; }

    /// <summary>Samples classified correctly.</summary>
    public int Correct { get; }

    /// <summary>Correct / Count.</summary>
    public double Accuracy => Count == 0 ? 0 : (double)Correct / Count;

    /// <summary>Mean softmax cross-entropy.</summary>
    public double Loss { get; }

    /// <summary>[true class, predicted class] counts.</summary>
    public int[,] Confusion { get; }

    /// <summary>Per class: correct predictions of it / all predictions of it.</summary>
    public double[] Precision { get; }

    /// <summary>Per class: correct predictions of it / all samples of it.</summary>
    public double[] Recall { get; }
}
