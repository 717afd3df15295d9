using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Mnist.Generators;

namespace Mnist.Generators.Tests;

/// <summary>Compiles C# source with the model generator the way `dotnet build` does, in memory.</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).ToList();
        paths.Add(typeof(Mnist.INetwork).Assembly.Location);
        paths.Add(typeof(MathNet.Numerics.LinearAlgebra.Matrix<float>).Assembly.Location);
        paths.Add(typeof(System.Numerics.Tensors.TensorPrimitives).Assembly.Location);
        return paths.Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    });

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest);

    public static CSharpCompilation Compilation(params string[] sources) =>
        CSharpCompilation.Create("Consumer" + Guid.NewGuid().ToString("N"),
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs")),
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver Driver(Mnist.Generators.Kinds.LayerKinds? kinds = null) =>
        CSharpGeneratorDriver.Create(
            [(kinds is null ? new ModelGenerator() : new ModelGenerator(kinds)).AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator; returns the compilation with generated sources and the generator's diagnostics.</summary>
    public static (Compilation Output, ImmutableArray<Diagnostic> Diagnostics, GeneratorDriverRunResult Run) Generate(params string[] sources) =>
        Generate(null, sources);

    /// <summary>Runs a generator that knows <paramref name="kinds"/> (the runtime's when null).</summary>
    public static (Compilation Output, ImmutableArray<Diagnostic> Diagnostics, GeneratorDriverRunResult Run) Generate(Mnist.Generators.Kinds.LayerKinds? kinds, params string[] sources)
    {
        var driver = Driver(kinds).RunGeneratorsAndUpdateCompilation(Compilation(sources), out var output, out var diagnostics);
        return (output, diagnostics, driver.GetRunResult());
    }

    /// <summary>Generates, compiles and loads the consumer assembly; fails on any warning or error.</summary>
    public static Assembly CompileAndLoad(string source, Mnist.Generators.Kinds.LayerKinds? kinds = null)
    {
        var (output, diagnostics, _) = Generate(kinds, source);
        Assert.Empty(diagnostics);
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        using var image = new MemoryStream();
        var emitted = output.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        return AssemblyLoadContext.Default.LoadFromStream(new MemoryStream(image.ToArray()));
    }

    /// <summary>A new instance of the network class <paramref name="typeName"/> with <paramref name="seed"/>.</summary>
    public static Mnist.INetwork Create(Assembly assembly, string typeName, int seed) =>
        (Mnist.INetwork)Activator.CreateInstance(assembly.GetType(typeName, throwOnError: true)!, seed)!;
}
