using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Mnist.Kernels;
using Mnist.LinearAlgebra;

namespace Mnist.Runtime.Tests.Kernels;

/// <summary>
/// The kernels use the widest vector the runtime accelerates, and the runtime's switches select the
/// others: CI runs these tests with AVX-512 off (DOTNET_EnableAVX512=0 — .NET 10's name; it ignores the
/// older DOTNET_EnableAVX512F), with DOTNET_EnableAVX2=0 and with DOTNET_EnableHWIntrinsic=0, so that
/// every path of every kernel is compared with its reference.
/// </summary>
public class SimdWidthTests
{
    private static bool Off(string name) => Environment.GetEnvironmentVariable(name) == "0";

    [Fact]
    public void The_width_in_use_follows_the_hardware_and_the_runtime_switches()
    {
        string expected =
            Off("DOTNET_EnableHWIntrinsic") ? "scalar"
            : Vector512.IsHardwareAccelerated ? "Vector512"
            : Vector256.IsHardwareAccelerated ? "Vector256"
            : Vector128.IsHardwareAccelerated ? "Vector128" : "scalar";
        Assert.Equal(expected, SimdWidth.Name);
        if (Off("DOTNET_EnableHWIntrinsic")) Assert.Equal(1, SimdWidth.Floats);
        if (Off("DOTNET_EnableAVX2") && !Off("DOTNET_EnableHWIntrinsic") && Sse.IsSupported) Assert.Equal("Vector128", SimdWidth.Name);
        if (Off("DOTNET_EnableAVX512") && !Off("DOTNET_EnableAVX2") && !Off("DOTNET_EnableHWIntrinsic") && Avx2.IsSupported) Assert.Equal("Vector256", SimdWidth.Name);
    }

    [Fact]
    public void The_simd_backend_names_its_width()
    {
        Assert.Contains($"managed SIMD kernel ({SimdWidth.Name}", new SimdGemmBackend(1).Description);
    }
}
