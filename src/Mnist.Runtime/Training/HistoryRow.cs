namespace Mnist.Training;

/// <summary>One evaluation during training.</summary>
/// <param name="Step">0-based index of the step just done (49 for the 50th, as the original prints it).</param>
/// <param name="TrainLoss">Mean training loss of the steps since the previous row.</param>
/// <param name="TestAccuracy">Test-set accuracy after the step (reported, never used to choose anything).</param>
/// <param name="ElapsedSeconds">Time since the run started (training and evaluations) when the row was finished.</param>
/// <param name="LearningRate">The learning rate of the step.</param>
/// <param name="ValidationLoss">Mean loss on the validation images after the step, when some are held out.</param>
/// <param name="ValidationAccuracy">Accuracy on the validation images after the step, when some are held out.</param>
public sealed record HistoryRow(int Step, double TrainLoss, double TestAccuracy, double ElapsedSeconds,
    double LearningRate = double.NaN, double? ValidationLoss = null, double? ValidationAccuracy = null);
