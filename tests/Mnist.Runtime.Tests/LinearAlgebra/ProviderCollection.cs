namespace Mnist.Runtime.Tests.LinearAlgebra;

/// <summary>Tests that install MathNet's process-wide provider, count its calls, or count which of ForkJoin's process-wide helpers ran run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProviderCollection
{
    public const string Name = "BLAS provider";
}

/// <summary>
/// A test class of the provider collection: MathNet's provider as it was before each test is put
/// back after it, whatever backend the test installed.
/// </summary>
public abstract class RestoresProvider : IDisposable
{
    private readonly MathNet.Numerics.Providers.LinearAlgebra.ILinearAlgebraProvider _previous = MathNet.Numerics.Providers.LinearAlgebra.LinearAlgebraControl.Provider;

    public void Dispose()
    {
        MathNet.Numerics.Providers.LinearAlgebra.LinearAlgebraControl.Provider = _previous;
        GC.SuppressFinalize(this);
    }
}
