using System.Diagnostics;
using MathNet.Numerics.Providers.LinearAlgebra;

namespace Mnist.LinearAlgebra;

/// <summary>Creates, chooses and installs the backend behind MathNet's single-precision products.</summary>
public static class BlasBackends
{
    /// <summary>The names <see cref="Parse"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["auto", "mkl", "openblas", "simd", "managed"];

    /// <summary>Parses a backend name (case-insensitive); null when it is not one of <see cref="Names"/>.</summary>
    public static BlasBackendKind? Parse(string value) => value.Trim().ToLowerInvariant() switch
    {
        "auto" => BlasBackendKind.Auto,
        "mkl" => BlasBackendKind.Mkl,
        "openblas" => BlasBackendKind.OpenBlas,
        "simd" => BlasBackendKind.Simd,
        "managed" => BlasBackendKind.Managed,
        _ => null,
    };

    /// <summary>Threads from <c>MNIST_THREADS</c>, else every core.</summary>
    public static int DefaultThreads() =>
        int.TryParse(Environment.GetEnvironmentVariable("MNIST_THREADS"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int t) && t > 0
            ? t : Environment.ProcessorCount;

    /// <summary>Creates the named backend; a native one that cannot load throws <see cref="BlasUnavailableException"/> naming its package.</summary>
    public static IGemmBackend Create(BlasBackendKind kind, int threads) => kind switch
    {
        BlasBackendKind.Mkl => LoadNative(NativeBlasLibrary.Mkl, threads),
        BlasBackendKind.OpenBlas => LoadNative(NativeBlasLibrary.OpenBlas, threads),
        BlasBackendKind.Simd => new SimdGemmBackend(threads),
        BlasBackendKind.Managed => new ManagedGemmBackend(),
        _ => throw new ArgumentException("auto is chosen by Select, not created", nameof(kind)),
    };

    /// <summary>
    /// The backend for <paramref name="kind"/>. For <see cref="BlasBackendKind.Auto"/>, every backend
    /// that loads (not the managed reference) is timed on <paramref name="shapes"/> for a few
    /// milliseconds and the fastest wins.
    /// </summary>
    public static BlasSelection Select(BlasBackendKind kind, int threads, IReadOnlyList<GemmShape> shapes)
    {
        if (kind != BlasBackendKind.Auto) return new BlasSelection(Create(kind, threads), "requested");
        var candidates = new List<IGemmBackend> { new SimdGemmBackend(threads) };
        var unavailable = new List<string>();
        foreach (var library in new[] { NativeBlasLibrary.Mkl, NativeBlasLibrary.OpenBlas })
        {
            var native = NativeBlasBackend.TryLoad(library, threads, out string reason);
            if (native is null) unavailable.Add($"{library.Name}: {reason}");
            else candidates.Add(native);
        }
        var timed = candidates.Select(c => (Backend: c, Microseconds: Calibrate(c, shapes))).OrderBy(t => t.Microseconds).ToList();
        string times = string.Join(", ", timed.Select(t => $"{t.Backend.Name} {t.Microseconds.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)} µs"));
        string missing = unavailable.Count == 0 ? "" : $"; not available: {string.Join("; ", unavailable)}";
        return new BlasSelection(timed[0].Backend, $"auto: fastest on this model's products ({times}){missing}");
    }

    /// <summary>Chooses a backend and installs it as MathNet's provider.</summary>
    public static BlasSelection Use(BlasBackendKind kind, int threads, IReadOnlyList<GemmShape> shapes)
    {
        var selection = Select(kind, threads, shapes);
        Install(selection.Backend);
        return selection;
    }

    /// <summary>Makes <paramref name="backend"/> run MathNet's single-precision products.</summary>
    public static void Install(IGemmBackend backend) =>
        LinearAlgebraControl.Provider = new BlasLinearAlgebraProvider(backend);

    /// <summary>Median time of one pass over <paramref name="shapes"/>, in microseconds.</summary>
    public static double Calibrate(IGemmBackend backend, IReadOnlyList<GemmShape> shapes, int repetitions = Tuning.CalibrationRepetitions)
    {
        var buffers = shapes.Select(s => (Shape: s, A: Filled(s.M * s.K), B: Filled(s.K * s.N), C: new float[s.M * s.N])).ToList();
        var samples = new double[repetitions];
        for (int r = -2; r < repetitions; r++)
        {
            long start = Stopwatch.GetTimestamp();
            foreach (var (s, a, b, c) in buffers)
                backend.Sgemm(s.TransposeA, s.TransposeB, s.M, s.N, s.K, 1f, a, s.TransposeA ? s.K : s.M, b, s.TransposeB ? s.N : s.K, 0f, c, s.M);
            if (r >= 0) samples[r] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        Array.Sort(samples);
        return samples[repetitions / 2];
    }

    private static IGemmBackend LoadNative(NativeBlasLibrary library, int threads) =>
        NativeBlasBackend.TryLoad(library, threads, out string reason)
        ?? throw new BlasUnavailableException($"BLAS backend '{library.Name}' cannot load: {reason}");

    private static float[] Filled(int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (i % 17) * 0.01f;
        return values;
    }
}
