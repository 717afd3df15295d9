using System.Numerics.Tensors;
using System.Runtime.Intrinsics.X86;
using MathNet.Numerics.LinearAlgebra;
using Mnist.Data;
using Mnist.Kernels;

namespace Mnist.Training;

/// <summary>
/// Turns images kept as bytes into the float batch a network reads: one sample per column, pixel
/// / 255 (what torchvision's ToTensor and the original's <c>/ 255</c> do). Nothing allocates.
/// </summary>
public static class BatchLoader
{
    /// <summary>Column j of <paramref name="inputs"/> = image <paramref name="indices"/>[j] / 255; labels alongside.</summary>
    public static void Load(MnistSplit split, ReadOnlySpan<int> indices, Matrix<float> inputs, Span<int> labels)
    {
        var values = Gemm.Values(inputs).AsSpan();
        int features = inputs.RowCount;
        for (int j = 0; j < indices.Length; j++)
        {
            Scale(split.Image(indices[j]), values.Slice(j * features, features));
            labels[j] = split.Labels[indices[j]];
        }
    }

    /// <summary>Loads images first .. first + columns − 1, in order.</summary>
    public static void LoadRange(MnistSplit split, int first, Matrix<float> inputs, Span<int> labels)
    {
        var values = Gemm.Values(inputs).AsSpan();
        int features = inputs.RowCount;
        for (int j = 0; j < inputs.ColumnCount; j++)
        {
            Scale(split.Image(first + j), values.Slice(j * features, features));
            labels[j] = split.Labels[first + j];
        }
    }

    /// <summary>
    /// Records where the images at <paramref name="indices"/> are nonzero, with exactly the values
    /// <see cref="Load"/> writes, straight from their bytes, and their labels. The batch's float matrix
    /// is not needed then (the first layer reads a sparse batch from its pattern alone). False when
    /// the batch is too dense for the sparse kernels: then <see cref="Load"/> it.
    /// </summary>
    internal static bool TryLoadSparse(MnistSplit split, ReadOnlySpan<int> indices, SparsePattern pattern, Span<int> labels)
    {
        if (labels.Length < indices.Length) throw new ArgumentException($"{labels.Length} labels for {indices.Length} images", nameof(labels));
        ByteRecorder.Begin(pattern);
        for (int j = 0; j < indices.Length; j++)
        {
            if (!ByteRecorder.Add(pattern, split.Image(indices[j]), Levels)) return false;
            labels[j] = split.Labels[indices[j]];
        }
        ByteRecorder.End(pattern);
        return true;
    }

    /// <summary>
    /// Asks the processor to start bringing the images at <paramref name="indices"/> into its caches
    /// (a hint: nothing is read or waited for), so that loading them later does not wait on memory.
    /// </summary>
    public static unsafe void Prefetch(MnistSplit split, ReadOnlySpan<int> indices)
    {
        if (!Sse.IsSupported) return;
        const int line = 64;
        fixed (byte* images = split.Images)
        {
            foreach (int index in indices)
            {
                byte* image = images + (long)index * split.ImageSize;
                for (long at = (long)image & ~(line - 1); at < (long)(image + split.ImageSize); at += line) Sse.Prefetch0((void*)at);
            }
        }
    }

    /// <summary>byte / 255 for every byte value: the float a pixel becomes (the same division as <see cref="Scale"/>).</summary>
    internal static readonly float[] Levels = Enumerable.Range(0, 256).Select(b => (float)b / 255f).ToArray();

    /// <summary>pixels / 255 into <paramref name="destination"/>.</summary>
    public static void Scale(ReadOnlySpan<byte> pixels, Span<float> destination)
    {
        destination = destination[..pixels.Length];
        TensorPrimitives.ConvertTruncating<byte, float>(pixels, destination);
        TensorPrimitives.Divide(destination, 255f, destination);
    }
}
