namespace Mnist.Data.Fetching;

/// <summary>Somewhere the MNIST files can come from. The fetcher verifies whatever it returns.</summary>
public interface IMnistSource
{
    /// <summary>How the source is named in progress and error messages.</summary>
    string Name { get; }

    /// <summary>
    /// The bytes of <paramref name="file"/>, raw or gzip-compressed. Throws <see cref="MnistSourceException"/>
    /// with the reason when the source does not have it.
    /// </summary>
    byte[] Get(MnistFile file, CancellationToken cancellation);
}
