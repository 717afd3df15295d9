namespace Mnist.App.Rendering;

/// <summary>One digit of the prediction grid.</summary>
/// <param name="Pixels">28×28 bytes.</param>
/// <param name="Label">The true digit.</param>
/// <param name="Predicted">The network's digit.</param>
/// <param name="Confidence">Softmax probability of <paramref name="Predicted"/>.</param>
public sealed record GridCell(byte[] Pixels, int Label, int Predicted, float Confidence)
{
    /// <summary>True when the prediction is wrong.</summary>
    public bool IsMistake => Label != Predicted;

    /// <summary>"true 7  pred 7  99.82%".</summary>
    public string Caption => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"true {Label}  pred {Predicted}  {Confidence * 100:F2}%");
}
