using System.CommandLine;
using Mnist.LinearAlgebra;

namespace Mnist.App.Cli;

/// <summary><c>--blas</c> and <c>--threads</c>, shared by every command that computes, and installing the chosen backend.</summary>
public sealed class ComputeOptions
{
    /// <summary>Which backend runs the matrix products.</summary>
    public Option<string> Blas { get; } = new("--blas")
    {
        Description = "Matrix-product backend: auto, mkl, openblas, simd or managed (default: $MNIST_BLAS, else auto)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MNIST_BLAS") is { Length: > 0 } fromEnvironment ? fromEnvironment : "auto",
    };

    /// <summary>Most threads a product may use.</summary>
    public Option<int> Threads { get; } = new("--threads")
    {
        Description = "Most threads a matrix product may use (default: $MNIST_THREADS, else every core)",
        DefaultValueFactory = _ => BlasBackends.DefaultThreads(),
    };

    /// <summary>Adds both options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        Blas.Validators.Add(result =>
        {
            string? value = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
            if (value is not null && BlasBackends.Parse(value) is null)
                result.AddError($"unknown BLAS backend '{value}' (choose {string.Join(", ", BlasBackends.Names)})");
        });
        Threads.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && (!int.TryParse(result.Tokens[0].Value, out int t) || t <= 0))
                result.AddError($"--threads must be a positive integer, got '{result.Tokens[0].Value}'");
        });
        command.Options.Add(Blas);
        command.Options.Add(Threads);
    }

    /// <summary>
    /// Chooses the backend for <paramref name="network"/> at <paramref name="batch"/>, installs it and prints
    /// the choice (to the context's progress lines). <c>auto</c> times the products that will reach the backend: with
    /// <paramref name="sparseInputs"/> (the default of every command) the first layer's run in the sparse kernels instead.
    /// A run that continues another (<paramref name="continuing"/>: the backend it was trained with, from its
    /// <c>optimizer.npz</c>) takes that backend under <c>auto</c>, since another one's products round differently and
    /// the result would not be bit-identical to an uninterrupted run; when it cannot, a warning says so.
    /// </summary>
    public BlasSelection Apply(CommandContext context, INetwork network, int batch, bool sparseInputs = true, string? continuing = null)
    {
        string name = context.Get(Blas)!;
        var kind = BlasBackends.Parse(name)
            ?? throw new UsageException($"unknown BLAS backend '{name}' (from MNIST_BLAS; choose {string.Join(", ", BlasBackends.Names)})");
        var shapes = network.Products(batch, sparseInputs && network.ReadsSparseInputs);
        BlasSelection? selection = null;
        if (continuing is not null && BlasBackends.Parse(continuing) is var recorded && recorded != kind)
        {
            const string differs = "rounds the products differently, so it will not end bit-identical to an uninterrupted run";
            if (kind != BlasBackendKind.Auto)
                context.Error.WriteLine($"warning: the run was trained with --blas {continuing}; --blas {name} {differs}");
            else if (recorded is not { } trainedWith)
                context.Error.WriteLine($"warning: the run was trained with --blas {continuing}, which this version does not know; another backend {differs}");
            else
            {
                try { selection = MnistBlas.Use(trainedWith, context.Get(Threads), shapes) with { Reason = "the backend the resumed run was trained with" }; }
                catch (BlasUnavailableException e)
                {
                    context.Error.WriteLine($"warning: the run was trained with --blas {continuing}, which cannot load here ({e.Message}); another backend {differs}");
                }
            }
        }
        selection ??= MnistBlas.Use(kind, context.Get(Threads), shapes);
        context.Progress.WriteLine($"{selection}; kernels: {Kernels.SimdWidth.Name}");
        return selection;
    }
}
