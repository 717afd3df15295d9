using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Mnist.Generators.Tests;

/// <summary>A second run on an unchanged or unrelatedly edited compilation must reuse every tracked step.</summary>
public class IncrementalCachingTests
{
    // a spec with a diagnostic, so that the diagnostics step has something to cache too
    private const string NotPartial = "[Mnist.Network(Inputs = 4)] [Mnist.Dense(2)] public class NotPartial { }";

    private static readonly string[] TrackedSteps = [TrackingNames.Parse, TrackingNames.Specs, TrackingNames.Diagnostics];

    [Fact]
    public void Cloned_compilation_reuses_every_step()
    {
        var compilation = GeneratorHarness.Compilation(Specs.Seed, Specs.Deep, NotPartial);
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);
        driver = driver.RunGenerators(compilation.Clone());
        AssertAllCached(driver.GetRunResult());
    }

    [Fact]
    public void Unrelated_edit_reuses_every_step()
    {
        var compilation = GeneratorHarness.Compilation(Specs.Seed, Specs.Deep, NotPartial);
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);
        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Other; public class Unrelated { public int X => 1; }", GeneratorHarness.ParseOptions));
        driver = driver.RunGenerators(edited);
        AssertAllCached(driver.GetRunResult());
    }

    [Fact]
    public void Changing_a_layer_regenerates_only_that_network()
    {
        var compilation = GeneratorHarness.Compilation(Specs.Seed, Specs.Deep);
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);
        var oldTree = compilation.SyntaxTrees.First();
        var newTree = CSharpSyntaxTree.ParseText(Specs.Seed.Replace("Dense(128", "Dense(64", StringComparison.Ordinal), GeneratorHarness.ParseOptions, path: oldTree.FilePath);
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(oldTree, newTree));

        var reasons = driver.GetRunResult().Results.Single().TrackedSteps[TrackingNames.Specs]
            .SelectMany(step => step.Outputs).Select(o => o.Reason).ToList();
        Assert.Contains(IncrementalStepRunReason.Modified, reasons);
        Assert.Contains(IncrementalStepRunReason.Unchanged, reasons.Concat(driver.GetRunResult().Results.Single().TrackedSteps[TrackingNames.Parse].SelectMany(s => s.Outputs).Select(o => o.Reason)));
    }

    private static void AssertAllCached(GeneratorDriverRunResult run)
    {
        var result = run.Results.Single();
        foreach (string name in TrackedSteps)
        {
            Assert.True(result.TrackedSteps.ContainsKey(name), $"step {name} was not tracked");
            foreach (var step in result.TrackedSteps[name])
                foreach (var (_, reason) in step.Outputs)
                    Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{name}: {reason}");
        }
        Assert.All(result.TrackedOutputSteps.SelectMany(kv => kv.Value).SelectMany(step => step.Outputs),
            output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }
}
