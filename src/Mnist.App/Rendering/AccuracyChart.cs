using Mnist.Training;
using ScottPlot;

namespace Mnist.App.Rendering;

/// <summary>
/// Test (and validation) accuracy on the left axis, training loss on the right, and the learning rate on
/// a second right axis when a schedule moves it, against the step: <c>accuracy.png</c>.
/// </summary>
public static class AccuracyChart
{
    /// <summary>PNG bytes of the chart, 1000×600.</summary>
    public static byte[] Render(TrainingHistory history, string title)
    {
        var plot = new Plot();
        if (Typefaces.FontFile is { } fontFile) Fonts.AddFontFile("DejaVu Sans", fontFile);
        plot.Font.Set("DejaVu Sans");
        var rows = history.Rows;
        double[] steps = rows.Select(r => (double)r.Step + 1).ToArray();
        var accuracy = plot.Add.Scatter(steps, rows.Select(r => r.TestAccuracy * 100).ToArray());
        accuracy.LegendText = "test accuracy (%)";
        accuracy.MarkerSize = 0;
        accuracy.LineWidth = 2;
        if (rows.Count > 0 && rows.All(r => r.ValidationAccuracy is not null))
        {
            var validation = plot.Add.Scatter(steps, rows.Select(r => r.ValidationAccuracy!.Value * 100).ToArray());
            validation.LegendText = "validation accuracy (%)";
            validation.MarkerSize = 0;
            validation.LineWidth = 2;
            validation.LinePattern = LinePattern.Dashed;
        }
        var loss = plot.Add.Scatter(steps, rows.Select(r => r.TrainLoss).ToArray());
        loss.LegendText = "train loss";
        loss.MarkerSize = 0;
        loss.Axes.YAxis = plot.Axes.Right;
        // a constant rate is in the title; a scheduled one gets an axis of its own
        if (rows.Count > 1 && rows.All(r => !double.IsNaN(r.LearningRate)) && rows.Any(r => r.LearningRate != rows[0].LearningRate))
        {
            var rateAxis = plot.Axes.AddRightAxis();
            rateAxis.LabelText = "learning rate";
            var rate = plot.Add.Scatter(steps, rows.Select(r => r.LearningRate).ToArray());
            rate.LegendText = "learning rate";
            rate.MarkerSize = 0;
            rate.LinePattern = LinePattern.Dotted;
            rate.Axes.YAxis = rateAxis;
        }
        plot.Axes.Bottom.Label.Text = "step";
        plot.Axes.Left.Label.Text = "accuracy (%)";
        plot.Axes.Right.Label.Text = "train loss (mean since previous evaluation)";
        plot.Title(title);
        plot.ShowLegend(Alignment.LowerRight);
        return plot.GetImageBytes(1000, 600, ImageFormat.Png);
    }
}
