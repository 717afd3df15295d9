namespace Mnist.Data;

/// <summary>One file of the canonical MNIST distribution and the checksums that identify it.</summary>
/// <param name="Name">File name of the raw IDX file (<c>train-images-idx3-ubyte</c>).</param>
/// <param name="Length">Size of the raw file in bytes.</param>
/// <param name="Sha256">SHA-256 of the raw (uncompressed) bytes, lower-case hex.</param>
/// <param name="GzipMd5">MD5 of the canonical <c>.gz</c> download, lower-case hex; null when unknown.</param>
public sealed record MnistFile(string Name, long Length, string Sha256, string? GzipMd5);
