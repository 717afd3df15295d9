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
    public string Caption => CaptionIn("en");

    /// <summary>The caption in <paramref name="language"/>: <c>en</c> "true 7  pred 7  99.82%", or <c>zh</c> as the original program's figure: "真实 7  预测 7  概率 99.82%".</summary>
    public string CaptionIn(string language) => language == "zh"
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"真实 {Label}  预测 {Predicted}  概率 {Confidence * 100:F2}%")
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"true {Label}  pred {Predicted}  {Confidence * 100:F2}%");
}
