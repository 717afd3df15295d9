namespace Mnist.LinearAlgebra;

/// <summary>A native BLAS we know how to load: its file names, thread control and the Debian package that ships it.</summary>
/// <param name="Name">Backend name (<c>mkl</c>, <c>openblas</c>).</param>
/// <param name="Title">Human name.</param>
/// <param name="FileNames">Shared-object names tried in order.</param>
/// <param name="SetThreadsFunction">Exported function taking the thread count (we set 1: threads are ours).</param>
/// <param name="Package">The Debian package that ships it.</param>
/// <param name="Setup">An exported <c>int f(int)</c> to call once with the given value before anything else, if any.</param>
public sealed record NativeBlasLibrary(string Name, string Title, string[] FileNames, string SetThreadsFunction, string Package,
    (string Function, int Value)? Setup = null)
{
    /// <summary>Intel MKL's single dynamic library (Debian <c>libmkl-rt</c>, in the non-free component; the soname is unversioned).</summary>
    public static NativeBlasLibrary Mkl { get; } = new("mkl", "Intel MKL",
        ["libmkl_rt.so", "libmkl_rt.so.2", "libmkl_rt.so.1"], "MKL_Set_Num_Threads", "libmkl-rt (in the non-free component)",
        // MKL's threaded layers need an OpenMP runtime loaded globally (Intel's libiomp5 is not
        // shipped with it); we run it sequentially (MKL_THREADING_SEQUENTIAL = 1) and split large
        // products over threads ourselves, as for every backend.
        Setup: ("MKL_Set_Threading_Layer", 1));

    /// <summary>OpenBLAS with pthreads (Debian <c>libopenblas0-pthread</c>).</summary>
    public static NativeBlasLibrary OpenBlas { get; } = new("openblas", "OpenBLAS",
        ["libopenblas.so.0", "libopenblas.so"], "openblas_set_num_threads", "libopenblas0-pthread");
}
