using MathNet.Numerics.Providers.LinearAlgebra;
using Mnist.LinearAlgebra;

namespace Mnist;

/// <summary>
/// Which backend runs the matrix products, for the whole process. A program need not choose: the
/// first network workspace (or trainer) picks the fastest backend that loads for that network's own
/// products, unless one was chosen already. To choose: <c>MnistBlas.Use("openblas")</c> (or
/// <c>mkl</c>, <c>simd</c>, <c>managed</c>, <c>auto</c>). A MathNet provider installed by the program
/// itself is left alone.
/// </summary>
public static class MnistBlas
{
    private static readonly object Gate = new();
    private static BlasSelection? s_current;
    private static bool s_decided;

    /// <summary>The backend in use and why, once one was chosen (by <see cref="Use(string, int?)"/> or automatically); null while none is, or when the program installed a MathNet provider of its own.</summary>
    public static BlasSelection? Current => s_current;

    /// <summary>
    /// Uses the backend named <paramref name="backend"/> (<c>auto</c>, <c>mkl</c>, <c>openblas</c>, <c>simd</c>,
    /// <c>managed</c>) with up to <paramref name="threads"/> threads per product (default: every core).
    /// A native library that cannot load throws <see cref="BlasUnavailableException"/> naming its Debian package.
    /// </summary>
    public static BlasSelection Use(string backend, int? threads = null) =>
        Use(BlasBackends.Parse(backend) ?? throw new ArgumentException($"unknown BLAS backend '{backend}' (choose {string.Join(", ", BlasBackends.Names)})", nameof(backend)), threads);

    /// <summary>Uses <paramref name="kind"/>; <c>auto</c> times the candidates on <paramref name="shapes"/> (default: a small MLP's training step).</summary>
    public static BlasSelection Use(BlasBackendKind kind, int? threads = null, IReadOnlyList<GemmShape>? shapes = null)
    {
        lock (Gate)
        {
            var selection = BlasBackends.Select(kind, threads ?? BlasBackends.DefaultThreads(), shapes ?? DefaultShapes);
            BlasBackends.Install(selection.Backend);
            s_current = selection;
            s_decided = true;
            return selection;
        }
    }

    /// <summary>True once a backend was chosen (or the program's own MathNet provider was found in place).</summary>
    public static bool IsChosen => Volatile.Read(ref s_decided);

    /// <summary>
    /// Chooses the fastest backend for <paramref name="network"/>'s products at <paramref name="batch"/> unless a
    /// backend was chosen already or the program installed a MathNet provider of its own. The trainer calls it
    /// when it starts; cheap after the first call.
    /// </summary>
    public static void EnsureChosen(INetwork network, int batch)
    {
        if (!IsChosen) EnsureChosen(network.Products(batch, network.ReadsSparseInputs));
    }

    /// <summary>Like <see cref="EnsureChosen(INetwork, int)"/> for the products <paramref name="shapes"/>; what the generated <c>CreateWorkspace</c> calls.</summary>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public static void EnsureChosen(IReadOnlyList<GemmShape> shapes)
    {
        if (Volatile.Read(ref s_decided)) return;
        lock (Gate)
        {
            if (s_decided) return;
            var provider = LinearAlgebraControl.Provider;
            if (provider is BlasLinearAlgebraProvider ours) s_current = new BlasSelection(ours.Backend, "installed by the program");
            else if (provider is ManagedLinearAlgebraProvider)
            {
                var selection = BlasBackends.Select(BlasBackendKind.Auto, BlasBackends.DefaultThreads(), shapes);
                BlasBackends.Install(selection.Backend);
                s_current = selection;
            }
            // else: a MathNet provider the program installed itself stays
            Volatile.Write(ref s_decided, true);
        }
    }

    /// <summary>Forgets the choice (tests that install backends of their own).</summary>
    internal static void Reset()
    {
        lock (Gate)
        {
            s_current = null;
            s_decided = false;
        }
    }

    // 784-128-10 at batch 32, the first layer's products included
    private static IReadOnlyList<GemmShape> DefaultShapes { get; } =
    [
        new(false, false, 128, 32, 784), new(false, true, 128, 784, 32),
        new(false, false, 10, 32, 128), new(false, true, 10, 128, 32), new(true, false, 128, 32, 10),
    ];
}
