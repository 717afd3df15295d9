namespace Mnist.Training;

/// <summary>How a <see cref="Trainer.Run"/> ended.</summary>
/// <param name="StepsDone">Steps done in total, counting those before a resume (after a divergence: the steps of the parameters put back).</param>
/// <param name="Interrupted">True when cancellation stopped the run early.</param>
/// <param name="TrainSeconds">Time spent in training steps (sampling, loading, forward, backward, update).</param>
/// <param name="EvalSeconds">What the test-set evaluations added to the run's wall time: the time spent in them or, when they ran beside training, the wall time not spent in training steps.</param>
/// <param name="WarmStepAllocatedBytes">Bytes allocated on the training thread by the steps after the first <see cref="Trainer.WarmUpSteps"/> of this run (evaluations excluded).</param>
/// <param name="WarmSteps">How many steps that was.</param>
/// <param name="DivergedAtStep">The 0-based step whose loss was NaN or infinite, when the run stopped there; the network then holds the last finite parameters, those after <see cref="StepsDone"/> steps.</param>
/// <param name="StoppedEarly">True when the validation accuracy had not improved for the patience's evaluations.</param>
/// <param name="Pending">The loss of the steps after the last evaluation, for a resume to continue (<see cref="Trainer.ContinuedLoss"/>).</param>
/// <param name="BestStep">Steps done when the best validation accuracy of this run was reached (the parameters in <see cref="Trainer.Best"/>); null without a new best.</param>
public sealed record TrainingResult(int StepsDone, bool Interrupted, double TrainSeconds, double EvalSeconds, long WarmStepAllocatedBytes = 0, int WarmSteps = 0,
    int? DivergedAtStep = null, bool StoppedEarly = false, int? BestStep = null, PendingLoss Pending = default)
{
    /// <summary>True when the loss became NaN or infinite and the run stopped.</summary>
    public bool Diverged => DivergedAtStep is not null;
}
