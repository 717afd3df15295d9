using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Mnist.Generators.Diagnostics;
using Mnist.Generators.Model;

namespace Mnist.Generators.Parsing
{
    /// <summary>What a <see cref="Kinds.LayerKind"/> parsing one attribute may read and report: the shape coming in, the layer's place, its location, and the names taken so far.</summary>
    internal sealed class LayerParseContext
    {
        private readonly List<DiagnosticInfo> _diagnostics;
        private readonly HashSet<string> _propertyNames = new(StringComparer.Ordinal);
        private readonly string _className;

        public LayerParseContext(string className, ShapeSpec input, List<DiagnosticInfo> diagnostics)
        {
            _className = className;
            Input = input;
            _diagnostics = diagnostics;
        }

        /// <summary>The shape of a sample coming into the layer being parsed.</summary>
        public ShapeSpec Input { get; set; }

        /// <summary>The layer before the one being parsed; null for the first.</summary>
        public LayerSpec? Previous { get; set; }

        /// <summary>1-based position of the layer being parsed.</summary>
        public int Index { get; set; }

        /// <summary>Where the layer's attribute is.</summary>
        public Location Location { get; set; } = Location.None;

        /// <summary>Reports <paramref name="descriptor"/> at the layer's attribute.</summary>
        public void Report(DiagnosticDescriptor descriptor, params object[] arguments) =>
            _diagnostics.Add(DiagnosticInfo.Create(descriptor, Location, arguments.Select(a => Convert.ToString(a, CultureInfo.InvariantCulture) ?? "").ToArray()));

        /// <summary>Constructor argument <paramref name="index"/> as an int (0 when absent).</summary>
        public static int IntArgument(AttributeData attribute, int index) =>
            attribute.ConstructorArguments.Length > index && attribute.ConstructorArguments[index].Value is int value ? value : 0;

        /// <summary>Constructor argument <paramref name="index"/> as a double (0 when absent).</summary>
        public static double DoubleArgument(AttributeData attribute, int index) =>
            attribute.ConstructorArguments.Length > index ? Convert.ToDouble(attribute.ConstructorArguments[index].Value ?? 0.0, CultureInfo.InvariantCulture) : 0;

        /// <summary>The named argument <paramref name="key"/>, or <paramref name="fallback"/>.</summary>
        public static T Named<T>(AttributeData attribute, string key, T fallback)
        {
            foreach (var argument in attribute.NamedArguments)
                if (argument.Key == key && argument.Value.Value is T value) return value;
            return fallback;
        }

        /// <summary>The layer's name (its <c>Name</c> argument, else the kind's prefix and its position) and property name, checked.</summary>
        public (string Name, string PropertyName) TakeName(AttributeData attribute, string defaultPrefix)
        {
            string name = Named<string?>(attribute, "Name", null) ?? defaultPrefix + Index.ToString(CultureInfo.InvariantCulture);
            string propertyName = name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name.Substring(1);
            string? problem = NameProblem(name, propertyName);
            if (problem is not null) Report(DiagnosticDescriptors.InvalidLayerName, name, problem);
            else if (!_propertyNames.Add(propertyName)) Report(DiagnosticDescriptors.DuplicateLayerName, name);
            return (name, propertyName);
        }

        private string? NameProblem(string name, string propertyName)
        {
            if (name.Length == 0 || !(char.IsLetter(name[0]) || name[0] == '_') || !name.All(c => char.IsLetterOrDigit(c) || c == '_') || name.Any(c => c > 127))
                return "is not an identifier: use ASCII letters, digits and '_', starting with a letter or '_'";
            if (SyntaxFacts.GetKeywordKind(propertyName) != SyntaxKind.None)
                return "is a C# keyword once capitalised";
            if (Array.IndexOf(KnownNames.GeneratedMembers, propertyName) >= 0 || propertyName == _className)
                return $"becomes the property '{propertyName}', which collides with a generated member";
            return null;
        }
    }
}
