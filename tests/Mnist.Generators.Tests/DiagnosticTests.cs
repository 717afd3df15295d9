using Microsoft.CodeAnalysis;

namespace Mnist.Generators.Tests;

/// <summary>Every spec the generator cannot honour is a compile-time error with an ID and a location, and no source.</summary>
public class DiagnosticTests
{
    [Theory]
    // ID, 0-based line and column where the diagnostic starts, source
    [InlineData("MNIST001", 1, 13, "[Network(Inputs = 4)] [Dense(2)]\npublic class Net { }")]
    [InlineData("MNIST002", 1, 21, "[Network(Inputs = 4)]\npublic partial class Net { }")]
    [InlineData("MNIST003", 1, 1, "[Network(Inputs = 4)]\n[Dense(0, Name = \"a\")]\npublic partial class Net { }")]
    [InlineData("MNIST003", 2, 1, "[Network(Inputs = 4)]\n[Dense(3)]\n[Dense(-5)]\npublic partial class Net { }")]
    [InlineData("MNIST004", 0, 1, "[Network]\n[Dense(2)]\npublic partial class Net { }")]
    [InlineData("MNIST004", 0, 1, "[Network(Inputs = -1)]\n[Dense(2)]\npublic partial class Net { }")]
    [InlineData("MNIST005", 2, 1, "[Network(Inputs = 4)]\n[Dense(3, Name = \"fc\")]\n[Dense(2, Name = \"Fc\")]\npublic partial class Net { }")]
    [InlineData("MNIST006", 1, 21, "[Network(Inputs = 4)] [Dense(2)]\npublic partial class Net<T> { }")]
    [InlineData("MNIST007", 1, 49, "public partial class Outer {\n  [Network(Inputs = 4)] [Dense(2)] partial class Inner { } }")]
    [InlineData("MNIST008", 1, 1, "[Network(Inputs = 4)]\n[Dense(2, (Activation)7)]\npublic partial class Net { }")]
    [InlineData("MNIST009", 1, 21, "[Network(Inputs = 100000)] [Dense(100000)]\npublic partial class Net { }")]
    [InlineData("MNIST010", 1, 1, "[Network(Inputs = 4)]\n[Dense(2, Name = \"my layer\")]\npublic partial class Net { }")]
    [InlineData("MNIST010", 1, 1, "[Network(Inputs = 4)]\n[Dense(2, Name = \"forward\")]\npublic partial class Net { }")]
    [InlineData("MNIST011", 1, 28, "[Network(Inputs = 4)] [Dense(2)]\npublic static partial class Net { }")]
    [InlineData("MNIST004", 0, 1, "[Network(Channels = 1, Height = 0, Width = 28)]\n[Dense(2)]\npublic partial class Net { }")]
    [InlineData("MNIST013", 1, 1, "[Network(Channels = 1, Height = 8, Width = 8)]\n[Conv2D(0, 3, Name = \"c\")]\npublic partial class Net { }")]
    [InlineData("MNIST013", 2, 1, "[Network(Channels = 1, Height = 8, Width = 8)]\n[Conv2D(2, 3)]\n[MaxPool2D(2, Stride = -1)]\n[Flatten] [Dense(2)]\npublic partial class Net { }")]
    [InlineData("MNIST013", 1, 1, "[Network(Channels = 1, Height = 8, Width = 8)]\n[AvgPool2D(0)]\n[Flatten] [Dense(2)]\npublic partial class Net { }")]
    [InlineData("MNIST014", 2, 1, "[Network(Channels = 1, Height = 8, Width = 8)]\n[Conv2D(2, 3)]\n[Conv2D(2, 7)]\n[Flatten] [Dense(2)]\npublic partial class Net { }")]
    [InlineData("MNIST014", 2, 1, "[Network(Channels = 1, Height = 5, Width = 5)]\n[Conv2D(2, 3)]\n[MaxPool2D(4)]\n[Flatten] [Dense(2)]\npublic partial class Net { }")]
    [InlineData("MNIST015", 1, 1, "[Network(Channels = 1, Height = 8, Width = 8)]\n[Conv2D(2, 3, Padding = 3)]\n[Flatten] [Dense(2)]\npublic partial class Net { }")]
    [InlineData("MNIST016", 2, 1, "[Network(Channels = 1, Height = 8, Width = 8)]\n[Conv2D(2, 3)]\n[Dense(2)]\npublic partial class Net { }")]
    [InlineData("MNIST017", 3, 1, "[Network(Channels = 1, Height = 8, Width = 8)]\n[Conv2D(2, 3)]\n[Flatten]\n[MaxPool2D(2)]\n[Dense(2)]\npublic partial class Net { }")]
    [InlineData("MNIST017", 2, 1, "[Network(Inputs = 64)]\n[Dense(16)]\n[Conv2D(2, 3)]\n[Flatten] [Dense(2)]\npublic partial class Net { }")]
    [InlineData("MNIST018", 1, 1, "[Network(Inputs = 64)]\n[Conv2D(2, 3)]\n[Flatten] [Dense(2)]\npublic partial class Net { }")]
    [InlineData("MNIST019", 2, 1, "[Network(Channels = 1, Height = 8, Width = 8)]\n[Flatten]\n[Dropout(1.0)]\n[Dense(2)]\npublic partial class Net { }")]
    [InlineData("MNIST019", 2, 1, "[Network(Channels = 1, Height = 8, Width = 8)]\n[Flatten]\n[Dropout(-0.1)]\n[Dense(2)]\npublic partial class Net { }")]
    [InlineData("MNIST012", 0, 1, "[Network(Inputs = 784, Channels = 1, Height = 28, Width = 28)]\n[Dense(2)]\npublic partial class Net { }")]
    public void Bad_spec_reports_its_diagnostic_at_the_right_place_and_generates_nothing(string id, int line, int column, string body)
    {
        var (_, diagnostics, run) = GeneratorHarness.Generate("using Mnist;\n" + body);

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        var start = diagnostic.Location.GetLineSpan().StartLinePosition;
        Assert.Equal((line + 1, column), (start.Line, start.Character));
        Assert.Empty(run.Results.Single().GeneratedSources);
    }

    [Fact]
    public void Message_names_the_class_and_the_problem()
    {
        var diagnostic = GeneratorHarness.Generate("using Mnist;\n[Network(Inputs = 4)] [Dense(2)]\npublic class Net { }").Diagnostics.Single();
        Assert.Equal("The network class 'Net' must be declared 'partial' so that its code can be generated", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Every_descriptor_has_a_test_above_and_a_release_entry()
    {
        var ids = typeof(DiagnosticTests).GetMethod(nameof(Bad_spec_reports_its_diagnostic_at_the_right_place_and_generates_nothing))!
            .GetCustomAttributes(typeof(InlineDataAttribute), false).Cast<InlineDataAttribute>()
            .Select(a => (string)a.GetData(null!).First()[0]).ToHashSet();
        string releases = File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "Mnist.Generators", "AnalyzerReleases.Unshipped.md"));
        foreach (var descriptor in Mnist.Generators.Diagnostics.DiagnosticDescriptors.All)
        {
            Assert.Contains(descriptor.Id, ids);
            Assert.Contains($"{descriptor.Id} | Mnist.Generators | Error | {descriptor.Title}", releases);
        }
    }

    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", ".."));
}
