namespace Mnist.Runtime.Tests.LinearAlgebra;

/// <summary>Tests that install MathNet's process-wide provider or count its calls run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProviderCollection
{
    public const string Name = "BLAS provider";
}
