using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Mnist.Generators.Diagnostics;
using Mnist.Generators.Kinds;
using Mnist.Generators.Model;

namespace Mnist.Generators.Parsing
{
    /// <summary>
    /// Turns a [Network] class into a <see cref="ModelSpec"/>, or into diagnostics saying why it cannot be
    /// one: the class itself is checked here; each layer attribute is parsed by its kind, in declaration
    /// order, each taking the shape the one before it gives.
    /// </summary>
    internal static class ModelParser
    {
        /// <summary>Parameters beyond this are a mistake, not a model (2^28 floats = 1 GiB).</summary>
        public const long MaxParameters = 1L << 28;

        public static ParsedModel Parse(GeneratorAttributeSyntaxContext context, LayerKinds kinds, CancellationToken cancellation)
        {
            var type = (INamedTypeSymbol)context.TargetSymbol;
            var syntax = (ClassDeclarationSyntax)context.TargetNode;
            var classLocation = syntax.Identifier.GetLocation();
            var diagnostics = new List<DiagnosticInfo>();
            string className = type.Name;

            if (!syntax.Modifiers.Any(SyntaxKind.PartialKeyword))
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ClassMustBePartial, classLocation, className));
            if (type.IsStatic)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.StaticClassNotSupported, classLocation, className));
            if (type.TypeParameters.Length > 0)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GenericClassNotSupported, classLocation, className));
            if (type.ContainingType is not null)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NestedClassNotSupported, classLocation, className));

            var network = context.Attributes[0];
            var input = ReadInput(network, className, LocationOf(network, classLocation, cancellation), diagnostics);

            var layerContext = new LayerParseContext(className, input, diagnostics);
            var layers = new List<LayerSpec>();
            foreach (var attribute in type.GetAttributes())
            {
                var kind = attribute.AttributeClass is { } attributeClass ? kinds.ForAttribute(attributeClass.ToDisplayString()) : null;
                if (kind is null) continue;
                layerContext.Index = layers.Count + 1;
                layerContext.Location = LocationOf(attribute, classLocation, cancellation);
                var layer = kind.Parse(attribute, layerContext);
                layers.Add(layer);
                layerContext.Input = layer.Output;
                layerContext.Previous = layer;
            }
            if (layers.Count == 0)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoLayers, classLocation, className));

            long parameters = layers.Sum(l => l.ParameterCount);
            if (parameters > MaxParameters)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TooManyParameters, classLocation, className,
                    parameters.ToString(CultureInfo.InvariantCulture)));

            if (diagnostics.Count > 0) return new ParsedModel(null, diagnostics.ToEquatableArray());
            string? ns = type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString();
            return new ParsedModel(new ModelSpec(ns, className, input, layers.ToEquatableArray()), EquatableArray<DiagnosticInfo>.Empty);
        }

        // [Network(Inputs = N)] for flat inputs, or [Network(Channels = C, Height = H, Width = W)] for images.
        private static ShapeSpec ReadInput(AttributeData network, string className, Location location, List<DiagnosticInfo> diagnostics)
        {
            int? Get(string key)
            {
                foreach (var argument in network.NamedArguments)
                    if (argument.Key == key && argument.Value.Value is int value) return value;
                return null;
            }
            int? inputs = Get("Inputs"), channels = Get("Channels"), height = Get("Height"), width = Get("Width");
            bool spatial = channels is not null || height is not null || width is not null;
            if (spatial && inputs is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConflictingInputShape, location, className));
                return ShapeSpec.Flat(0);
            }
            if (!spatial)
            {
                if (inputs is not > 0)
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InputsMustBePositive, location, className,
                        inputs is null ? "no Inputs" : inputs.Value.ToString(CultureInfo.InvariantCulture)));
                return ShapeSpec.Flat(inputs ?? 0);
            }
            if (channels is not > 0 || height is not > 0 || width is not > 0)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InputsMustBePositive, location, className,
                    string.Format(CultureInfo.InvariantCulture, "Channels = {0}, Height = {1}, Width = {2}", Text(channels), Text(height), Text(width))));
            return new ShapeSpec(channels ?? 0, height ?? 0, width ?? 0, Spatial: true);
        }

        private static string Text(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "missing";

        private static Location LocationOf(AttributeData attribute, Location fallback, CancellationToken cancellation) =>
            attribute.ApplicationSyntaxReference?.GetSyntax(cancellation).GetLocation() ?? fallback;
    }
}
