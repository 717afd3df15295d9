namespace Mnist.Data;

/// <summary>The four canonical MNIST files (see DESIGN.md, "Data").</summary>
public static class MnistFiles
{
    /// <summary>Training images: 60,000 × 28 × 28.</summary>
    public static MnistFile TrainImages { get; } = new("train-images-idx3-ubyte", 47_040_016,
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", "f68b3c2dcbeaaa9fbdd348bbdeb94873");

    /// <summary>Training labels: 60,000.</summary>
    public static MnistFile TrainLabels { get; } = new("train-labels-idx1-ubyte", 60_008,
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", "d53e105ee54ea40749a09fcbcd1e9432");

    /// <summary>Test images: 10,000 × 28 × 28.</summary>
    public static MnistFile TestImages { get; } = new("t10k-images-idx3-ubyte", 7_840_016,
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", "9fb629c4189551a2d022fa330f9573f3");

    /// <summary>Test labels: 10,000.</summary>
    public static MnistFile TestLabels { get; } = new("t10k-labels-idx1-ubyte", 10_008,
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", "ec29112dd5afa0611ce80d1b7f02629c");

    /// <summary>All four, in the order train images, train labels, test images, test labels.</summary>
    public static IReadOnlyList<MnistFile> All { get; } = [TrainImages, TrainLabels, TestImages, TestLabels];
}
