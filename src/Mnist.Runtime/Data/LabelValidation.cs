namespace Mnist.Data;

/// <summary>The checks every reader applies to what it read, so the messages read alike.</summary>
internal static class LabelValidation
{
    public static void RequireDigits(string path, ReadOnlySpan<byte> labels)
    {
        int bad = labels.IndexOfAnyExceptInRange((byte)0, (byte)9);
        if (bad >= 0)
            throw new MnistDataException(path, $"label {labels[bad]} at index {bad} is outside 0-9");
    }

    public static void RequireSameCount(string imagesPath, int images, string labelsPath, int labels)
    {
        if (images != labels)
            throw new MnistDataException(imagesPath, $"{images} images but {labels} labels in {labelsPath}");
    }
}
