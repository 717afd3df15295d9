using System;
using Microsoft.CodeAnalysis;
using Mnist.Generators.Diagnostics;
using Mnist.Generators.Emitting;
using Mnist.Generators.Model;
using Mnist.Generators.Parsing;

namespace Mnist.Generators.Kinds
{
    /// <summary><c>[Dense(units, activation, Name = ...)]</c>: a fully connected layer.</summary>
    internal sealed class DenseKind : LayerKind
    {
        public const string KindName = "dense";

        public override string Name => KindName;

        public override string AttributeName => "Mnist.DenseAttribute";

        public override LayerEmitter Emitter { get; } = new DenseEmitter();

        public override LayerSpec Parse(AttributeData attribute, LayerParseContext context)
        {
            int units = LayerParseContext.IntArgument(attribute, 0);
            int activation = LayerParseContext.IntArgument(attribute, 1);
            var (name, propertyName) = context.TakeName(attribute, DefaultNamePrefix);
            if (units <= 0) context.Report(DiagnosticDescriptors.UnitsMustBePositive, name, units);
            if (context.Previous is not null && context.Input.Spatial) context.Report(DiagnosticDescriptors.DenseAfterSpatial, name, context.Previous.Name, context.Previous.Kind, context.Input.Text);
            if (!Enum.IsDefined(typeof(ActivationKind), activation)) context.Report(DiagnosticDescriptors.UnknownActivation, name, activation);
            return new DenseSpec(name, propertyName, context.Input, units, (ActivationKind)activation);
        }
    }
}
