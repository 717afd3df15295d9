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

public class SimdWidthForRowsTests
{
    [SkippableTheory]
    [InlineData(10, 8)]   // one 16-row panel at AVX2's width does what one 32-row panel at AVX-512's does
    [InlineData(128, 16)]
    [InlineData(20, 16)]  // two AVX2 panels would take twice the operations
    [InlineData(3, 4)]
    public void Few_rows_take_the_narrowest_width_that_needs_no_more_operations(int rows, int widthWithAvx512)
    {
        Skip.IfNot(SimdWidth.Floats == 16, "the widths below are those of an AVX-512 processor");
        Assert.Equal(widthWithAvx512, SimdWidth.ForRows(rows, registers: 2));
    }

    [SkippableFact]
    public void Without_vector_hardware_it_is_one_float()
    {
        Skip.IfNot(SimdWidth.Floats == 1, "needs DOTNET_EnableHWIntrinsic=0");
        Assert.Equal(1, SimdWidth.ForRows(10, registers: 2));
    }
}
