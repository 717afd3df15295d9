using System.Runtime.CompilerServices;

namespace Mnist.Tests.Shared;

/// <summary>
/// Every test process computes on our own SIMD backend unless a test installs another: the library
/// would otherwise time the backends on the first workspace and take the fastest, which can differ
/// from run to run, and some tests compare results to the last bit. (Choosing automatically has tests of its own.)
/// </summary>
internal static class TestBackend
{
    [ModuleInitializer]
    internal static void UseSimd() => MnistBlas.Use(Mnist.LinearAlgebra.BlasBackendKind.Simd);
}
