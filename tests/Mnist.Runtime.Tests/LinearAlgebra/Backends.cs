using Mnist.LinearAlgebra;

namespace Mnist.Runtime.Tests.LinearAlgebra;

/// <summary>Every backend by name; native ones skip with the reason when their library is not installed.</summary>
public static class Backends
{
    public static TheoryData<string> Names => new() { "simd", "mkl", "openblas", "managed" };

    public static IGemmBackend Get(string name, int threads = 1)
    {
        var kind = BlasBackends.Parse(name)!.Value;
        try
        {
            return BlasBackends.Create(kind, threads);
        }
        catch (BlasUnavailableException e)
        {
            Skip.If(true, e.Message);
            throw;
        }
    }
}
