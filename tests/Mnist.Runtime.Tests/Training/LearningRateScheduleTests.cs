using Mnist.Training;

namespace Mnist.Runtime.Tests.Training;

/// <summary>
/// Each schedule at its boundaries against the values torch.optim.lr_scheduler 1.13 gives (printed from
/// Debian's python3-torch: the rate in param_groups before each optimizer.step(), max_lr or lr 0.01).
/// </summary>
public class LearningRateScheduleTests
{
    private static void Near(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-12 + 1e-9 * Math.Abs(expected), $"{actual} vs PyTorch's {expected}");

    [Theory]
    // OneCycleLR(max_lr=0.01, total_steps=100): up to step 29 (0.3·100 − 1), down to 0.01/25/1e4 at step 99
    [InlineData(0, 0.0003999999999999993, 0.95)]
    [InlineData(1, 0.00042813780565907275, 0.9497068978577179)]
    [InlineData(28, 0.009971862194340927, 0.850293102142282)]
    [InlineData(29, 0.01, 0.85)]
    [InlineData(30, 0.009994965352845242, 0.8500503466729342)]
    [InlineData(31, 0.009979871550490316, 0.850201285300238)]
    [InlineData(50, 0.00793893450575732, 0.8706107373853763)]
    [InlineData(98, 5.07464715475788e-06, 0.9499496533270657)]
    [InlineData(99, 4e-08, 0.95)]
    public void One_cycle_is_pytorchs(int step, double rate, double momentum)
    {
        var schedule = LearningRateSchedule.OneCycle(0.01, 100);
        Near(rate, schedule.Rate(step));
        Near(momentum, schedule.Momentum(step)!.Value);
    }

    [Theory]
    [InlineData(0, 0.01)]
    [InlineData(1, 0.009997532801828659)]
    [InlineData(50, 0.005000000000000004)]
    [InlineData(99, 2.4671981713420015e-06)]
    [InlineData(100, 0.0)]
    public void Cosine_is_pytorchs_annealing_to_zero(int step, double rate)
    {
        var schedule = LearningRateSchedule.Cosine(0.01, 100);
        Near(rate, schedule.Rate(step));
        Assert.Null(schedule.Momentum(step));
    }

    [Theory]
    [InlineData(0, 0.01)]
    [InlineData(29, 0.01)]
    [InlineData(30, 0.005)]
    [InlineData(59, 0.005)]
    [InlineData(60, 0.0025)]
    [InlineData(90, 0.00125)]
    public void Step_is_pytorchs_step_lr(int step, double rate) => Near(rate, LearningRateSchedule.Stepped(0.01, 30, 0.5).Rate(step));

    [Theory]
    // LambdaLR(lambda s: min(1, (s + 1) / 10)) over a constant 0.01
    [InlineData(0, 0.001)]
    [InlineData(4, 0.005)]
    [InlineData(9, 0.01)]
    [InlineData(10, 0.01)]
    public void Warm_up_rises_linearly_to_the_rate(int step, double rate) => Near(rate, LearningRateSchedule.Constant(0.01).WithWarmup(10).Rate(step));

    [Fact]
    public void Warm_up_multiplies_the_schedule_under_it()
    {
        var cosine = LearningRateSchedule.Cosine(0.01, 100);
        var warmed = cosine.WithWarmup(20);
        Near(cosine.Rate(4) * 5 / 20.0, warmed.Rate(4));
        Near(cosine.Rate(60), warmed.Rate(60));
        Assert.Same(cosine, cosine.WithWarmup(0));
    }

    [Fact]
    public void Constant_is_the_rate_at_every_step()
    {
        var schedule = LearningRateSchedule.Constant(0.1);
        Assert.All(new long[] { 0, 1, 10_000, long.MaxValue }, step => Assert.Equal(0.1, schedule.Rate(step)));
    }

    [Fact]
    public void Schedules_are_pure_functions_of_the_step()
    {
        // a resume asks for step 500 first: the answer must not depend on the steps asked for before
        var fresh = LearningRateSchedule.OneCycle(0.003, 1000);
        var walked = LearningRateSchedule.OneCycle(0.003, 1000);
        for (int s = 0; s < 500; s++) walked.Rate(s);
        Assert.Equal(fresh.Rate(500), walked.Rate(500));
        Assert.Equal(fresh.Momentum(500), walked.Momentum(500));
    }
}
