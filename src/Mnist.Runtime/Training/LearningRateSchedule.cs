namespace Mnist.Training;

/// <summary>
/// The learning rate (and, for one-cycle, the momentum) at every step of a run of a known length,
/// with PyTorch's formulas: a pure function of the step, so that a resumed run continues exactly.
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>The rate of 0-based step <paramref name="step"/>.</summary>
    public abstract double Rate(long step);

    /// <summary>The momentum (SGD's μ, Adam's β1) of step <paramref name="step"/>, or null to leave the optimizer's alone.</summary>
    public virtual double? Momentum(long step) => null;

    /// <summary>A short description for the start line and the chart.</summary>
    public abstract string Describe();

    /// <summary>The same rate at every step.</summary>
    public static LearningRateSchedule Constant(double rate) => new ConstantSchedule(rate);

    /// <summary><c>StepLR</c> by steps: <c>rate · gamma^⌊step / stepSize⌋</c>.</summary>
    public static LearningRateSchedule Stepped(double rate, int stepSize, double gamma) =>
        stepSize > 0 ? new SteppedSchedule(rate, stepSize, gamma) : throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "step size must be positive");

    /// <summary><c>CosineAnnealingLR</c> over <paramref name="totalSteps"/> (η_min 0): <c>rate · (1 + cos(π · step / total)) / 2</c>.</summary>
    public static LearningRateSchedule Cosine(double rate, long totalSteps) =>
        totalSteps > 0 ? new CosineSchedule(rate, totalSteps) : throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, "a cosine schedule needs at least one step");

    /// <summary>
    /// <c>OneCycleLR</c> with PyTorch's defaults over <paramref name="totalSteps"/>: from <paramref name="maxRate"/>/25 up to
    /// <paramref name="maxRate"/> in the first 30% of the steps and down to <paramref name="maxRate"/>/25/10⁴ by the last, both
    /// halves cosine-shaped; the momentum goes the other way, 0.95 down to 0.85 and back.
    /// </summary>
    public static LearningRateSchedule OneCycle(double maxRate, long totalSteps) =>
        totalSteps >= 2 ? new OneCycleSchedule(maxRate, totalSteps) : throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, "a one-cycle schedule needs at least two steps");

    /// <summary>This schedule multiplied by a linear warm-up: <c>min(1, (step + 1) / warmupSteps)</c> (<c>LambdaLR</c>'s factor).</summary>
    public LearningRateSchedule WithWarmup(int warmupSteps) => warmupSteps <= 0 ? this : new WarmupSchedule(this, warmupSteps);

    private sealed class ConstantSchedule(double rate) : LearningRateSchedule
    {
        public override double Rate(long step) => rate;

        public override string Describe() => "constant";
    }

    private sealed class SteppedSchedule(double rate, int stepSize, double gamma) : LearningRateSchedule
    {
        public override double Rate(long step) => rate * Math.Pow(gamma, step / stepSize);

        public override string Describe() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"step (×{gamma} every {stepSize} steps)");
    }

    private sealed class CosineSchedule(double rate, long totalSteps) : LearningRateSchedule
    {
        public override double Rate(long step) => rate * (1 + Math.Cos(Math.PI * Math.Min(step, totalSteps) / totalSteps)) / 2;

        public override string Describe() => "cosine";
    }

    private sealed class OneCycleSchedule(double maxRate, long totalSteps) : LearningRateSchedule
    {
        private const double Start = 0.3, DivFactor = 25, FinalDivFactor = 1e4, BaseMomentum = 0.85, MaxMomentum = 0.95;
        private readonly double _initial = maxRate / DivFactor;
        private readonly double _peakStep = Start * totalSteps - 1;

        public override double Rate(long step)
        {
            var (pct, rising) = Phase(step);
            return rising ? Annealed(_initial, maxRate, pct) : Annealed(maxRate, _initial / FinalDivFactor, pct);
        }

        public override double? Momentum(long step)
        {
            var (pct, rising) = Phase(step);
            return rising ? Annealed(MaxMomentum, BaseMomentum, pct) : Annealed(BaseMomentum, MaxMomentum, pct);
        }

        // PyTorch's phases: [0, 0.3·T − 1] rising, then up to T − 1 falling (step numbers as floats).
        private (double Pct, bool Rising) Phase(long step) =>
            step <= _peakStep ? (step / _peakStep, true) : ((step - _peakStep) / (totalSteps - 1 - _peakStep), false);

        private static double Annealed(double start, double end, double pct) => end + (start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1);

        public override string Describe() => "onecycle";
    }

    private sealed class WarmupSchedule(LearningRateSchedule inner, int warmupSteps) : LearningRateSchedule
    {
        public override double Rate(long step) => inner.Rate(step) * Math.Min(1.0, (step + 1) / (double)warmupSteps);

        public override double? Momentum(long step) => inner.Momentum(step);

        public override string Describe() => $"{inner.Describe()}, {warmupSteps} warm-up steps";
    }
}
