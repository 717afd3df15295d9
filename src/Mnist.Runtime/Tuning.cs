namespace Mnist;

/// <summary>
/// Every constant the kernels, the inference and the trainer are tuned with, in one place. Each was
/// measured on the machines named in docs/ARCHITECTURE.md ("Tuning"), where the measurements are.
/// </summary>
public static class Tuning
{
    // ---- matrix products (LinearAlgebra) ----

    /// <summary>
    /// Floats of one chunk's patch matrix in a convolution's products: the batch goes through im2col, the products
    /// and col2im a few samples at a time, so that the patch matrices stay in L2 instead of streaming through memory.
    /// </summary>
    public const int ConvChunkFloats = 131_072;

    /// <summary>
    /// Multiply-adds per thread below which a direct convolution's forward pass stays on one thread. One image's conv2
    /// (2.6 M) splits in two: with the helper woken at the start of the pass (<c>DirectConvKernels.Prewake</c>) one image
    /// took 90 -> 69 µs on an AVX2 EPYC; woken only when conv2's work was there, the split made the image slower
    /// (AVX-512: 51.5 -> 61.8 µs). Its conv1 (0.2 M) stays whole. Split too (100 K, tried 2026-12-07), conv1 of one image
    /// went 10.9 -> 6.1 µs and the image 51–55 -> 46.5–48 µs in a tight loop of predictions, but in `mnist bench` (images
    /// after an epoch of training) 54–83 -> 53–159 µs, and 0.48× the anchor in bench/compare.sh: a helper blocks as soon as
    /// it has done its part, so the split conv1 used up the pass's early wake and conv2 had to wake it again. Tried again with
    /// the helper spinning on while prewaked runs were still to come (Zen 4, reverted): one image 61–142 µs against 51–95,
    /// since conv1's work comes right after the prewake, before a blocked helper is running.
    /// </summary>
    public const int DirectConvMultiplyAddsPerPart = 1_000_000;

    /// <summary>A dense layer's input of at most this many columns (one image) is multiplied without the BLAS (<c>DenseKernels.Multiply</c>).</summary>
    public const int DenseDirectColumns = 1;

    /// <summary>Columns of C per micro-kernel block of the SIMD GEMM (a block of 6 made RyuJIT spill the accumulators).</summary>
    public const int GemmPanelColumns = 4;

    /// <summary>Depth (k) of one packed block of the SIMD GEMM: an A panel of 256 × 32 floats stays in L1.</summary>
    public const int GemmDepthBlock = 256;

    /// <summary>Products with at least this many multiply-adds split their columns over threads; a training step's stay on one.</summary>
    public const long ParallelMultiplyAdds = 8_000_000;

    /// <summary>Repetitions of each backend's timing when <c>auto</c> chooses (median of 15 passes, after 2 warm-ups).</summary>
    public const int CalibrationRepetitions = 15;

    // ---- sparse first layer ----

    /// <summary>Above this fraction of nonzero inputs a batch takes the dense BLAS product instead of the sparse kernels.</summary>
    public const double MaxSparseDensity = 0.5;

    /// <summary>Samples from which a batch's zero analysis and the sparse forward product run on several threads.</summary>
    public const int ParallelSparseColumns = 256;

    /// <summary>Vector registers of outputs one sparse kernel pass accumulates (8: 64 rows with AVX2, 128 with AVX-512).</summary>
    public const int SparseRegisterBlock = 8;

    /// <summary>
    /// Gradient floats a consumer's own <see cref="IParameterUpdate"/> gets of a sparse batch's first layer at a time (16
    /// features of 128 outputs: 8 KB, a fraction of L1): computed and used while in the cache, the gradient is never
    /// written to memory whole. This library's optimizers take each weight column straight from registers instead
    /// (<c>SparseKernels.ScatterUpdate</c>).
    /// </summary>
    public const int UpdateBlockFloats = 2048;

    // ---- inference of large batches ----

    /// <summary>Samples per chunk when a large batch is predicted chunk by chunk on each thread.</summary>
    public const int InferenceChunk = 500;

    /// <summary>Features nonzero in at least this fraction of a large batch are multiplied densely.</summary>
    public const double DenseFeatureFraction = 0.3;

    /// <summary>Images sampled to find a large batch's frequent features.</summary>
    public const int DenseFeatureSample = 256;

    // ---- training ----

    /// <summary>Test images per evaluation chunk beside training (the evaluation thread prepares batches between chunks).</summary>
    public const int EvaluationChunk = 250;

    /// <summary>Copies of the weights that evaluations beside training may hold at once.</summary>
    public const int EvaluationSnapshots = 3;

    /// <summary>Batches prepared ahead when the evaluation threads prepare them between chunks.</summary>
    public const int PrefetchedBesideEvaluation = 8;

    /// <summary>
    /// Slots of the prefetcher's own thread (the one in use and two ahead): with one ahead, a fused SGD step at batch 32
    /// (~85 µs) sometimes waited for its batch, whose preparation (~40–65 µs on the VM, plus waking the thread) had only
    /// that step's time; with two, 89–91 -> 80–84 µs (minima and medians of 8 interleaved `mnist bench --optimizer sgd
    /// --eval-every 0` runs, Zen 5 EPYC VM); four did no better. Adam's longer steps did not change (113–124 µs).
    /// </summary>
    public const int PrefetchedByOwnThread = 3;

    /// <summary>Most memory the batches prepared ahead may take (a batch of the whole training set gets two slots, not eight).</summary>
    public const long PrefetchBudgetBytes = 256L << 20;

    /// <summary>Steps at the start of a run whose allocations (buffers sized on first use) are not counted.</summary>
    public const int WarmUpSteps = 100;

    /// <summary>Steps between two copies of the parameters kept for a divergence (a copy costs about one step's memory traffic).</summary>
    public const int FiniteCopyEvery = 100;
}
