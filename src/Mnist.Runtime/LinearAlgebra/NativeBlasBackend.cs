using System.Runtime.InteropServices;

namespace Mnist.LinearAlgebra;

/// <summary>
/// <c>cblas_sgemm</c> from a native BLAS loaded at run time (<see cref="NativeLibrary"/> and a
/// function pointer, so nothing is marshalled and nothing allocates). The library itself runs on
/// one thread; large products are split over up to <see cref="Threads"/> threads by
/// <see cref="ColumnSplit"/>: a second thread hurts the batch-32 products and helps the
/// 10,000-sample evaluation.
/// </summary>
public sealed unsafe class NativeBlasBackend : IGemmBackend
{
    private const int ColumnMajor = 102, NoTrans = 111, Trans = 112;

    private readonly delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> _sgemm;
    private long _calls;

    private NativeBlasBackend(NativeBlasLibrary library, string path, IntPtr sgemm, IntPtr setThreads, int threads)
    {
        Library = library;
        LibraryPath = path;
        _sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemm;
        ((delegate* unmanaged<int, void>)setThreads)(1);
        Threads = Math.Max(1, threads);
    }

    /// <summary>Which library this is.</summary>
    public NativeBlasLibrary Library { get; }

    /// <summary>The file that was loaded.</summary>
    public string LibraryPath { get; }

    /// <inheritdoc />
    public int Threads { get; }

    /// <inheritdoc />
    public string Name => Library.Name;

    /// <inheritdoc />
    public string Description => $"{Library.Title} cblas_sgemm from {LibraryPath}, up to {Threads} thread(s)";

    /// <inheritdoc />
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>Loads <paramref name="library"/>; null with the reason when it is not installed or lacks the functions.</summary>
    public static NativeBlasBackend? TryLoad(NativeBlasLibrary library, int threads, out string reason)
    {
        foreach (string file in library.FileNames)
        {
            if (!NativeLibrary.TryLoad(file, typeof(NativeBlasBackend).Assembly, null, out var handle)) continue;
            if (!NativeLibrary.TryGetExport(handle, "cblas_sgemm", out var sgemm) || !NativeLibrary.TryGetExport(handle, library.SetThreadsFunction, out var setThreads))
            {
                reason = $"{file} does not export cblas_sgemm and {library.SetThreadsFunction}";
                return null;
            }
            if (library.Setup is { } setup)
            {
                if (!NativeLibrary.TryGetExport(handle, setup.Function, out var function))
                {
                    reason = $"{file} does not export {setup.Function}";
                    return null;
                }
                ((delegate* unmanaged<int, int>)function)(setup.Value);
            }
            reason = "";
            return new NativeBlasBackend(library, ResolvePath(file) ?? file, sgemm, setThreads, threads);
        }
        reason = $"{library.FileNames[0]} not found (Debian package {library.Package}: {library.InstallHint})";
        return null;
    }

    /// <inheritdoc />
    public void Sgemm(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc)
    {
        Interlocked.Increment(ref _calls);
        if ((long)m * n * k < ColumnSplit.ParallelThreshold || Threads == 1)
        {
            Columns(0, n, transposeA, transposeB, m, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }
        Parallel(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    // Its own method: a lambda capturing Sgemm's parameters would allocate its closure on every
    // call of Sgemm, parallel or not.
    private void Parallel(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc) =>
        ColumnSplit.Run(m, n, k, Threads, 16, (first, last) => Columns(first, last, transposeA, transposeB, m, k, alpha, a, lda, b, ldb, beta, c, ldc));

    /// <summary>Columns [first, last) of C: the same product on a slice of op(B) and C.</summary>
    private void Columns(int first, int last, bool transposeA, bool transposeB, int m, int k, float alpha,
        float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc)
    {
        fixed (float* pa = a, pb = b, pc = c)
        {
            float* bSlice = pb + (transposeB ? first : (long)first * ldb);
            _sgemm(ColumnMajor, transposeA ? Trans : NoTrans, transposeB ? Trans : NoTrans, m, last - first, k,
                alpha, pa, lda, bSlice, ldb, beta, pc + (long)first * ldc, ldc);
        }
    }

    /// <summary>The real path of a loaded library, from the process's memory map.</summary>
    private static string? ResolvePath(string file)
    {
        try
        {
            string stem = file.Split(".so")[0];
            return File.ReadLines("/proc/self/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(parts => parts.Length >= 6 && Path.GetFileName(parts[^1]).StartsWith(stem, StringComparison.Ordinal))
                .Select(parts => parts[^1]).FirstOrDefault();
        }
        catch (IOException)
        {
            return null;
        }
    }
}
