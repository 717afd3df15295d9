using System.Globalization;
using System.Text;
using Mnist.IO;

namespace Mnist.Training;

/// <summary>The accuracy curve of a run, saved as <c>history.csv</c> (step, train_loss, test_accuracy, elapsed_s).</summary>
public sealed class TrainingHistory
{
    /// <summary>The CSV header line.</summary>
    public const string Header = "step,train_loss,test_accuracy,elapsed_s";

    /// <summary>The rows in order.</summary>
    public List<HistoryRow> Rows { get; } = [];

    /// <summary>Writes the CSV atomically.</summary>
    public void Save(string path)
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (var row in Rows)
        {
            text.Append(string.Create(CultureInfo.InvariantCulture,
                $"{row.Step},{row.TrainLoss:R},{row.TestAccuracy:R},{row.ElapsedSeconds:F3}\n"));
        }
        AtomicFile.WriteAllText(path, text.ToString());
    }

    /// <summary>Reads a CSV written by <see cref="Save"/>.</summary>
    public static TrainingHistory Load(string path)
    {
        if (!File.Exists(path)) throw new MnistDataException(path, "file not found");
        var history = new TrainingHistory();
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0].Trim() != Header)
            throw new MnistDataException(path, $"not a training history (expected the header '{Header}')");
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var parts = lines[i].Split(',');
            if (parts.Length != 4
                || !int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int step)
                || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double loss)
                || !double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double accuracy)
                || !double.TryParse(parts[3], NumberStyles.Float, CultureInfo.InvariantCulture, out double elapsed))
                throw new MnistDataException(path, $"line {i + 1} is not 'step,train_loss,test_accuracy,elapsed_s'");
            history.Rows.Add(new HistoryRow(step, loss, accuracy, elapsed));
        }
        return history;
    }
}
