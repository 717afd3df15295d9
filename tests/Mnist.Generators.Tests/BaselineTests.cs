using System.Runtime.CompilerServices;

namespace Mnist.Generators.Tests;

/// <summary>
/// The generated source for a few specs, compared with checked-in baselines. After an intended
/// change of the emitter, run the tests with MNIST_UPDATE_BASELINES=1 and review the diff.
/// </summary>
public class BaselineTests
{
    [Theory]
    [MemberData(nameof(Specs.Baselines), MemberType = typeof(Specs))]
    public void Generated_source_matches_the_baseline(string name, string source)
    {
        var (_, diagnostics, run) = GeneratorHarness.Generate(source);
        Assert.Empty(diagnostics);
        var generated = Assert.Single(run.Results.Single().GeneratedSources);
        string text = generated.SourceText.ToString();
        string path = BaselinePath(name);

        if (Environment.GetEnvironmentVariable("MNIST_UPDATE_BASELINES") == "1") File.WriteAllText(path, text);
        Assert.Equal(File.ReadAllText(path), text);
    }

    [Theory]
    [MemberData(nameof(Specs.Baselines), MemberType = typeof(Specs))]
    public void Generated_source_compiles_without_warnings(string name, string source)
    {
        var assembly = GeneratorHarness.CompileAndLoad(source);
        Assert.NotNull(assembly.GetTypes().SingleOrDefault(t => t.Name == name));
    }

    [Fact]
    public void Output_is_deterministic()
    {
        string first = GeneratorHarness.Generate(Specs.Deep).Run.Results.Single().GeneratedSources.Single().SourceText.ToString();
        string second = GeneratorHarness.Generate(Specs.Deep).Run.Results.Single().GeneratedSources.Single().SourceText.ToString();
        Assert.Equal(first, second);
    }

    [Fact]
    public void Hint_name_is_the_full_type_name()
    {
        var run = GeneratorHarness.Generate(Specs.Seed).Run;
        Assert.Equal("Consumer.SeedNet.g.cs", run.Results.Single().GeneratedSources.Single().HintName);
    }

    private static string BaselinePath(string name, [CallerFilePath] string here = "") =>
        Path.Combine(Path.GetDirectoryName(here)!, "Baselines", name + ".g.cs");
}
