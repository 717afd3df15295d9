namespace Mnist.Data.Fetching;

/// <summary>A source could not provide a file; the message says why in a few words.</summary>
public sealed class MnistSourceException(string reason, Exception? inner = null) : Exception(reason, inner);
