namespace Mnist.LinearAlgebra;

/// <summary>A native BLAS we know how to load: its file names, thread control and the Debian package that ships it.</summary>
/// <param name="Name">Backend name (<c>mkl</c>, <c>openblas</c>).</param>
/// <param name="Title">Human name.</param>
/// <param name="FileNames">Shared-object names tried in order.</param>
/// <param name="SetThreadsFunction">Exported function taking the thread count (we set 1: threads are ours).</param>
/// <param name="Package">The Debian package that ships it.</param>
/// <param name="Setup">Exported <c>int f(int)</c> functions to call once, in order, with the given values before anything else; a negative result is a failure.</param>
public sealed record NativeBlasLibrary(string Name, string Title, string[] FileNames, string SetThreadsFunction, string Package,
    params (string Function, int Value)[] Setup)
{
    /// <summary>Intel MKL's single dynamic library (Debian <c>libmkl-rt</c>, in the non-free component; the soname is unversioned).</summary>
    public static NativeBlasLibrary Mkl { get; } = new("mkl", "Intel MKL",
        ["libmkl_rt.so", "libmkl_rt.so.2", "libmkl_rt.so.1"], "MKL_Set_Num_Threads", "libmkl-rt (in the non-free component)",
        // MKL's threaded layers need an OpenMP runtime loaded globally (Intel's libiomp5 is not
        // shipped with it); we run it sequentially (MKL_THREADING_SEQUENTIAL = 1) and split large
        // products over threads ourselves, as for every backend.
        ("MKL_Set_Threading_Layer", 1),
        // MKL picks code paths by the arrays' alignment, which the GC does not fix: the same seeded run gave
        // different weights from one process to the next, and a resumed run was not bit-identical to an
        // uninterrupted one. Strict conditional numerical reproducibility (MKL_CBWR_AUTO | MKL_CBWR_STRICT, what
        // MKL_CBWR=AUTO,STRICT sets) makes the results independent of alignment on the same processor.
        // MKL_CBWR_Set is the C entry point; lower-case mkl_cbwr_set is the Fortran one, which takes a pointer.
        ("MKL_CBWR_Set", 0x10002));

    /// <summary>OpenBLAS with pthreads (Debian <c>libopenblas0-pthread</c>).</summary>
    public static NativeBlasLibrary OpenBlas { get; } = new("openblas", "OpenBLAS",
        ["libopenblas.so.0", "libopenblas.so"], "openblas_set_num_threads", "libopenblas0-pthread");
}
