namespace Mnist.Data;

/// <summary>The on-disk forms of an MNIST dataset we read and write.</summary>
public enum DatasetFormat
{
    /// <summary>A directory with the four IDX files, raw or <c>.gz</c>.</summary>
    Idx,
    /// <summary>A numpy <c>.npz</c> archive.</summary>
    Npz,
    /// <summary>A directory of numbered PNGs with JSON label arrays.</summary>
    Png,
}
