using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Mnist.Generators.Emitting;
using Mnist.Generators.Kinds;
using Mnist.Generators.Model;
using Mnist.Generators.Parsing;

namespace Mnist.Generators
{
    /// <summary>
    /// Compiles every <c>[Network]</c> partial class into typed forward/backward/training code.
    /// Pipeline: attribute lookup → <see cref="ModelParser"/> (equatable <see cref="ParsedModel"/>) →
    /// source from <see cref="ModelEmitter"/>, and diagnostics through a separate output so that
    /// an unchanged spec keeps its cached source.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class ModelGenerator : IIncrementalGenerator
    {
        private readonly LayerKinds _kinds;

        /// <summary>The generator with the runtime's layer kinds.</summary>
        public ModelGenerator()
            : this(LayerKinds.Default)
        {
        }

        /// <summary>A generator with the layer kinds <paramref name="kinds"/> (tests add kinds of their own).</summary>
        internal ModelGenerator(LayerKinds kinds) => _kinds = kinds;

        /// <inheritdoc />
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var kinds = _kinds;
            var parsed = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    KnownNames.NetworkAttribute,
                    static (node, _) => node is ClassDeclarationSyntax,
                    (syntax, cancellation) => ModelParser.Parse(syntax, kinds, cancellation))
                .WithTrackingName(TrackingNames.Parse);

            var specs = parsed
                .Where(static model => model.Spec is not null)
                .Select(static (model, _) => model.Spec!)
                .WithTrackingName(TrackingNames.Specs);

            var diagnostics = parsed
                .SelectMany(static (model, _) => model.Diagnostics)
                .WithTrackingName(TrackingNames.Diagnostics);

            context.RegisterSourceOutput(specs, (output, spec) => output.AddSource(spec.HintName, ModelEmitter.Emit(spec, kinds)));
            context.RegisterSourceOutput(diagnostics, static (output, diagnostic) => output.ReportDiagnostic(diagnostic.ToDiagnostic()));
        }
    }
}
