using System.Runtime.InteropServices;

namespace Mnist.LinearAlgebra;

/// <summary>
/// <c>cblas_sgemm</c> from a native BLAS loaded at run time (<see cref="NativeLibrary"/> and a
/// function pointer, so nothing is marshalled and nothing allocates). The library itself runs on
/// one thread; large products are split over up to <see cref="ColumnRangeGemmBackend.Threads"/> threads by
/// <see cref="ColumnSplit"/>: a second thread hurts the batch-32 products and helps the
/// 10,000-sample evaluation.
/// </summary>
public sealed unsafe class NativeBlasBackend : ColumnRangeGemmBackend
{
    private const int ColumnMajor = 102, NoTrans = 111, Trans = 112;

    private readonly delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> _sgemm;

    private NativeBlasBackend(NativeBlasLibrary library, string path, IntPtr sgemm, IntPtr setThreads, int threads)
        : base(threads)
    {
        Library = library;
        LibraryPath = path;
        _sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemm;
        ((delegate* unmanaged<int, void>)setThreads)(1);
    }

    /// <summary>Which library this is.</summary>
    public NativeBlasLibrary Library { get; }

    /// <summary>The file that was loaded.</summary>
    public string LibraryPath { get; }

    /// <inheritdoc />
    public override string Name => Library.Name;

    /// <inheritdoc />
    public override string Description => $"{Library.Title} cblas_sgemm from {LibraryPath}, up to {Threads} thread(s)";

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
            foreach (var (name, value) in library.Setup)
            {
                if (!NativeLibrary.TryGetExport(handle, name, out var function))
                {
                    reason = $"{file} does not export {name}";
                    return null;
                }
                if (((delegate* unmanaged<int, int>)function)(value) is int result and < 0)
                {
                    reason = $"{file}: {name}({value}) failed ({result})";
                    return null;
                }
            }
            reason = "";
            return new NativeBlasBackend(library, ResolvePath(file) ?? file, sgemm, setThreads, threads);
        }
        reason = $"{library.FileNames[0]} not found (Debian package {library.Package})";
        return null;
    }

    /// <summary>Columns [first, last) of C: the same product on a slice of op(B) and C.</summary>
    protected override void Columns(int first, int last, bool transposeA, bool transposeB, int m, int k, float alpha,
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
