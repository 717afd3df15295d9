using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Mnist.Generators.Diagnostics;
using Mnist.Generators.Model;

namespace Mnist.Generators.Parsing
{
    /// <summary>Turns a [Network] class into a <see cref="ModelSpec"/>, or into diagnostics saying why it cannot be one.</summary>
    internal static class ModelParser
    {
        /// <summary>Parameters beyond this are a mistake, not a model (2^28 floats = 1 GiB).</summary>
        public const long MaxParameters = 1L << 28;

        public static ParsedModel Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellation)
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
            int inputs = ReadInputs(network);
            if (inputs <= 0)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InputsMustBePositive, LocationOf(network, classLocation, cancellation),
                    className, inputs == 0 && !network.NamedArguments.Any(a => a.Key == "Inputs") ? "no Inputs" : inputs.ToString(System.Globalization.CultureInfo.InvariantCulture)));

            var layers = ParseLayers(type, inputs, classLocation, diagnostics, cancellation);
            if (layers.Count == 0)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoLayers, classLocation, className));

            long parameters = layers.Sum(l => (long)Math.Max(l.Inputs, 0) * Math.Max(l.Units, 0) + Math.Max(l.Units, 0));
            if (parameters > MaxParameters)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TooManyParameters, classLocation, className,
                    parameters.ToString(System.Globalization.CultureInfo.InvariantCulture)));

            if (diagnostics.Count > 0) return new ParsedModel(null, diagnostics.ToEquatableArray());
            string? ns = type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString();
            return new ParsedModel(new ModelSpec(ns, className, inputs, layers.ToEquatableArray()), EquatableArray<DiagnosticInfo>.Empty);
        }

        private static int ReadInputs(AttributeData network)
        {
            foreach (var argument in network.NamedArguments)
            {
                if (argument.Key == "Inputs" && argument.Value.Value is int value) return value;
            }
            return 0;
        }

        private static List<LayerSpec> ParseLayers(INamedTypeSymbol type, int inputs, Location fallback, List<DiagnosticInfo> diagnostics, CancellationToken cancellation)
        {
            var layers = new List<LayerSpec>();
            var propertyNames = new HashSet<string>(StringComparer.Ordinal);
            int previous = inputs;
            foreach (var attribute in type.GetAttributes())
            {
                if (attribute.AttributeClass?.ToDisplayString() != KnownNames.DenseAttribute) continue;
                var location = LocationOf(attribute, fallback, cancellation);
                int index = layers.Count + 1;
                int units = attribute.ConstructorArguments.Length > 0 && attribute.ConstructorArguments[0].Value is int u ? u : 0;
                int activation = attribute.ConstructorArguments.Length > 1 && attribute.ConstructorArguments[1].Value is int a ? a : 0;
                string name = "dense" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
                foreach (var argument in attribute.NamedArguments)
                {
                    if (argument.Key == "Name" && argument.Value.Value is string given) name = given;
                }

                if (units <= 0)
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnitsMustBePositive, location, name,
                        units.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                if (!Enum.IsDefined(typeof(ActivationKind), activation))
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownActivation, location, name,
                        activation.ToString(System.Globalization.CultureInfo.InvariantCulture)));

                string propertyName = name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name.Substring(1);
                string? nameProblem = NameProblem(name, propertyName, type.Name);
                if (nameProblem is not null)
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerName, location, name, nameProblem));
                else if (!propertyNames.Add(propertyName))
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateLayerName, location, name));

                layers.Add(new LayerSpec(name, propertyName, previous, units, (ActivationKind)activation));
                previous = units;
            }
            return layers;
        }

        private static string? NameProblem(string name, string propertyName, string className)
        {
            if (name.Length == 0 || !(char.IsLetter(name[0]) || name[0] == '_') || !name.All(c => char.IsLetterOrDigit(c) || c == '_') || name.Any(c => c > 127))
                return "is not an identifier: use ASCII letters, digits and '_', starting with a letter or '_'";
            if (SyntaxFacts.GetKeywordKind(propertyName) != SyntaxKind.None)
                return "is a C# keyword once capitalised";
            if (Array.IndexOf(KnownNames.GeneratedMembers, propertyName) >= 0 || propertyName == className)
                return $"becomes the property '{propertyName}', which collides with a generated member";
            return null;
        }

        private static Location LocationOf(AttributeData attribute, Location fallback, CancellationToken cancellation) =>
            attribute.ApplicationSyntaxReference?.GetSyntax(cancellation).GetLocation() ?? fallback;
    }
}
