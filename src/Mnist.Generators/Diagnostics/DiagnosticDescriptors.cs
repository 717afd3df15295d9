using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Mnist.Generators.Diagnostics
{
    /// <summary>Every diagnostic the generator reports. IDs are stable; see AnalyzerReleases.*.md.</summary>
    internal static class DiagnosticDescriptors
    {
        private const string Category = "Mnist.Generators";

        public static readonly DiagnosticDescriptor ClassMustBePartial = new DiagnosticDescriptor(
            "MNIST001", "Network class must be partial",
            "The network class '{0}' must be declared 'partial' so that its code can be generated",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor NoLayers = new DiagnosticDescriptor(
            "MNIST002", "Network has no layers",
            "The network class '{0}' has no layers; add at least one, such as [Dense] (the last one gives the logits)",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor UnitsMustBePositive = new DiagnosticDescriptor(
            "MNIST003", "Layer width must be positive",
            "Layer '{0}' has {1} units; a dense layer needs at least 1",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor InputsMustBePositive = new DiagnosticDescriptor(
            "MNIST004", "Network inputs missing or not positive",
            "The network class '{0}' must set [Network(Inputs = N)] or [Network(Channels = C, Height = H, Width = W)] with positive values (found {1})",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor DuplicateLayerName = new DiagnosticDescriptor(
            "MNIST005", "Duplicate layer name",
            "Layer name '{0}' is used more than once (layer names must differ, ignoring the case of the first letter)",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor GenericClassNotSupported = new DiagnosticDescriptor(
            "MNIST006", "Generic network classes are not supported",
            "The network class '{0}' must not be generic",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor NestedClassNotSupported = new DiagnosticDescriptor(
            "MNIST007", "Nested network classes are not supported",
            "The network class '{0}' must not be nested in another type",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor UnknownActivation = new DiagnosticDescriptor(
            "MNIST008", "Unknown activation",
            "Layer '{0}' uses activation value {1}, which is not one of Identity, ReLU, Tanh, Sigmoid",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor TooManyParameters = new DiagnosticDescriptor(
            "MNIST009", "Network too large",
            "The network class '{0}' has {1} parameters; the limit is 268435456 (2^28)",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor InvalidLayerName = new DiagnosticDescriptor(
            "MNIST010", "Invalid layer name",
            "Layer name '{0}' {1}",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor StaticClassNotSupported = new DiagnosticDescriptor(
            "MNIST011", "Static network classes are not supported",
            "The network class '{0}' must not be static: networks are objects with parameters",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor ConflictingInputShape = new DiagnosticDescriptor(
            "MNIST012", "Conflicting input shape",
            "The network class '{0}' sets both Inputs and Channels/Height/Width; give a flat input (Inputs) or an image shape, not both",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor MustBePositive = new DiagnosticDescriptor(
            "MNIST013", "Layer size must be positive",
            "Layer '{0}' has {1} {2}; it must be at least 1",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor WindowLargerThanInput = new DiagnosticDescriptor(
            "MNIST014", "Window larger than its input",
            "Layer '{0}': its {1} of {2}×{2} does not fit its {3} input (padding {4}), so its output would have no positions",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor PaddingNotBelowKernel = new DiagnosticDescriptor(
            "MNIST015", "Padding must be below the kernel size",
            "Layer '{0}' pads by {1} with a kernel of {2}; padding must be 0 or more and less than the kernel (more only adds positions that see zeros alone)",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor DenseAfterSpatial = new DiagnosticDescriptor(
            "MNIST016", "Dense layer after a spatial layer needs [Flatten]",
            "Layer '{0}' is dense but follows '{1}' ({2}), whose output is {3}; put [Flatten] between them to say how the values become features",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor SpatialLayerAfterFlat = new DiagnosticDescriptor(
            "MNIST017", "Spatial layer after a flat one",
            "Layer '{0}' needs a channels × height × width input, but follows '{1}' ({2}), whose output is flat features",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor SpatialLayerOnFlatInput = new DiagnosticDescriptor(
            "MNIST018", "Spatial layer on a flat network input",
            "Layer '{0}' needs a channels × height × width input, but the network's input is flat ([Network(Inputs = N)]); give [Network(Channels = C, Height = H, Width = W)]",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor DropoutRateOutOfRange = new DiagnosticDescriptor(
            "MNIST019", "Dropout rate outside [0, 1)",
            "Layer '{0}' drops with rate {1}; the rate must be at least 0 and below 1",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        public static IReadOnlyList<DiagnosticDescriptor> All { get; } = new[]
        {
            ClassMustBePartial, NoLayers, UnitsMustBePositive, InputsMustBePositive, DuplicateLayerName,
            GenericClassNotSupported, NestedClassNotSupported, UnknownActivation, TooManyParameters,
            InvalidLayerName, StaticClassNotSupported, ConflictingInputShape, MustBePositive, WindowLargerThanInput,
            PaddingNotBelowKernel, DenseAfterSpatial, SpatialLayerAfterFlat, SpatialLayerOnFlatInput, DropoutRateOutOfRange,
        };

        public static DiagnosticDescriptor ById(string id) => All.First(d => d.Id == id);
    }
}
