using Mnist.Training;
using ScottPlot;

namespace Mnist.App.Rendering;

/// <summary>Test accuracy (left axis) and training loss (right axis) against the step: <c>accuracy.png</c>.</summary>
public static class AccuracyChart
{
    /// <summary>PNG bytes of the chart, 1000×600.</summary>
    public static byte[] Render(TrainingHistory history, string title)
    {
        var plot = new Plot();
        if (Typefaces.FontFile is { } fontFile) Fonts.AddFontFile("DejaVu Sans", fontFile);
        plot.Font.Set("DejaVu Sans");
        double[] steps = history.Rows.Select(r => (double)r.Step + 1).ToArray();
        var accuracy = plot.Add.Scatter(steps, history.Rows.Select(r => r.TestAccuracy * 100).ToArray());
        accuracy.LegendText = "test accuracy (%)";
        accuracy.MarkerSize = 0;
        accuracy.LineWidth = 2;
        var loss = plot.Add.Scatter(steps, history.Rows.Select(r => r.TrainLoss).ToArray());
        loss.LegendText = "train loss";
        loss.MarkerSize = 0;
        loss.Axes.YAxis = plot.Axes.Right;
        plot.Axes.Bottom.Label.Text = "step";
        plot.Axes.Left.Label.Text = "test accuracy (%)";
        plot.Axes.Right.Label.Text = "train loss (mean since previous evaluation)";
        plot.Title(title);
        plot.ShowLegend(Alignment.LowerRight);
        return plot.GetImageBytes(1000, 600, ImageFormat.Png);
    }
}
