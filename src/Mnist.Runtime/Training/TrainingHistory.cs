using System.Globalization;
using System.Text;
using Mnist.IO;

namespace Mnist.Training;

/// <summary>
/// The accuracy curve of a run, saved as <c>history.csv</c>: step, train_loss, test_accuracy, elapsed_s,
/// lr, val_loss, val_accuracy (the last two empty without a validation split). Files of the first four
/// columns (earlier versions) still read.
/// </summary>
public sealed class TrainingHistory
{
    /// <summary>The CSV header line.</summary>
    public const string Header = "step,train_loss,test_accuracy,elapsed_s,lr,val_loss,val_accuracy";

    private const string ShortHeader = "step,train_loss,test_accuracy,elapsed_s";

    /// <summary>The rows in order.</summary>
    public List<HistoryRow> Rows { get; } = [];

    /// <summary>Writes the CSV atomically.</summary>
    public void Save(string path)
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (var row in Rows)
        {
            text.Append(string.Create(CultureInfo.InvariantCulture,
                $"{row.Step},{row.TrainLoss:R},{row.TestAccuracy:R},{row.ElapsedSeconds:F3},{(double.IsNaN(row.LearningRate) ? "" : ((float)row.LearningRate).ToString("R", CultureInfo.InvariantCulture))},{row.ValidationLoss:R},{row.ValidationAccuracy:R}\n"));
        }
        AtomicFile.WriteAllText(path, text.ToString());
    }

    /// <summary>Reads a CSV written by <see cref="Save"/>.</summary>
    public static TrainingHistory Load(string path)
    {
        var history = new TrainingHistory();
        var lines = Encoding.UTF8.GetString(LimitedFile.ReadAllBytes(path, 256L << 20, "a training history")).Split('\n');
        string header = lines.Length == 0 ? "" : lines[0].Trim();
        if (header != Header && header != ShortHeader)
            throw new MnistDataException(path, $"not a training history (expected the header '{Header}')");
        int columns = header.Split(',').Length;
        for (int i = 1; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            if (line.Length == 0) continue;
            var parts = line.Split(',');
            double? rate = null, validationLoss = null, validationAccuracy = null;
            int step = 0;
            double loss = 0, accuracy = 0, elapsed = 0;
            bool valid = parts.Length == columns
                && int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out step)
                && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out loss)
                && double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out accuracy)
                && double.TryParse(parts[3], NumberStyles.Float, CultureInfo.InvariantCulture, out elapsed)
                && (columns == 4 || (Optional(parts[4], out rate) && Optional(parts[5], out validationLoss) && Optional(parts[6], out validationAccuracy)));
            if (!valid) throw new MnistDataException(path, $"line {i + 1} is not '{header}'");
            // the rate was a float (the one the optimizer used) and is written as one
            history.Rows.Add(new HistoryRow(step, loss, accuracy, elapsed, rate is double r ? (float)r : double.NaN, validationLoss, validationAccuracy));
        }
        return history;
    }

    // An empty field is null; anything else must be a number.
    private static bool Optional(string text, out double? value)
    {
        value = null;
        if (text.Length == 0) return true;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed)) return false;
        value = parsed;
        return true;
    }
}
