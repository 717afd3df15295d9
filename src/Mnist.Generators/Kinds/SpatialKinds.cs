using System;
using Microsoft.CodeAnalysis;
using Mnist.Generators.Diagnostics;
using Mnist.Generators.Emitting;
using Mnist.Generators.Model;
using Mnist.Generators.Parsing;

namespace Mnist.Generators.Kinds
{
    /// <summary><c>[Conv2D(filters, kernelSize, activation, Stride = 1, Padding = 0, Name = ...)]</c>.</summary>
    internal sealed class Conv2DKind : LayerKind
    {
        public const string KindName = "conv2d";

        public override string Name => KindName;

        public override string DefaultNamePrefix => "conv";

        public override string AttributeName => "Mnist.Conv2DAttribute";

        public override LayerEmitter Emitter { get; } = new Conv2DEmitter();

        public override LayerSpec Parse(AttributeData attribute, LayerParseContext context)
        {
            int filters = LayerParseContext.IntArgument(attribute, 0), kernel = LayerParseContext.IntArgument(attribute, 1), activation = LayerParseContext.IntArgument(attribute, 2);
            int stride = LayerParseContext.Named(attribute, "Stride", 1), padding = LayerParseContext.Named(attribute, "Padding", 0);
            var (name, propertyName) = context.TakeName(attribute, DefaultNamePrefix);
            if (filters <= 0) context.Report(DiagnosticDescriptors.MustBePositive, name, "filters", filters);
            if (!Enum.IsDefined(typeof(ActivationKind), activation)) context.Report(DiagnosticDescriptors.UnknownActivation, name, activation);
            if (padding < 0 || (kernel > 0 && padding >= kernel)) context.Report(DiagnosticDescriptors.PaddingNotBelowKernel, name, padding, kernel);
            var output = SpatialWindow.Output(context, name, Math.Max(filters, 1), kernel, stride, Math.Max(padding, 0), "kernel");
            return new Conv2DSpec(name, propertyName, context.Input, output, filters, kernel, stride, padding, (ActivationKind)activation);
        }
    }

    /// <summary><c>[MaxPool2D(size, Stride = size)]</c> and <c>[AvgPool2D(size, Stride = size)]</c>.</summary>
    internal sealed class PoolKind : LayerKind
    {
        public const string MaxName = "maxpool2d", AverageName = "avgpool2d";

        private readonly bool _max;

        public PoolKind(bool max) => _max = max;

        public override string Name => _max ? MaxName : AverageName;

        public override string DefaultNamePrefix => _max ? "maxpool" : "avgpool";

        public override string AttributeName => _max ? "Mnist.MaxPool2DAttribute" : "Mnist.AvgPool2DAttribute";

        public override LayerEmitter Emitter { get; } = new PoolEmitter();

        public override LayerSpec Parse(AttributeData attribute, LayerParseContext context)
        {
            int size = LayerParseContext.IntArgument(attribute, 0);
            int stride = LayerParseContext.Named(attribute, "Stride", 0);
            if (stride == 0) stride = size > 0 ? size : 1; // the window's size by default
            var (name, propertyName) = context.TakeName(attribute, DefaultNamePrefix);
            var output = SpatialWindow.Output(context, name, context.Input.Channels, size, stride, 0, "window");
            return new PoolSpec(Name, name, propertyName, context.Input, output, size, stride);
        }
    }

    /// <summary><c>[Flatten]</c>.</summary>
    internal sealed class FlattenKind : LayerKind
    {
        public const string KindName = "flatten";

        public override string Name => KindName;

        public override string AttributeName => "Mnist.FlattenAttribute";

        public override LayerEmitter Emitter { get; } = new FlattenEmitter();

        public override LayerSpec Parse(AttributeData attribute, LayerParseContext context)
        {
            var (name, propertyName) = context.TakeName(attribute, DefaultNamePrefix);
            return new FlattenSpec(name, propertyName, context.Input);
        }
    }

    /// <summary><c>[Dropout(rate)]</c>.</summary>
    internal sealed class DropoutKind : LayerKind
    {
        public const string KindName = "dropout";

        public override string Name => KindName;

        public override string AttributeName => "Mnist.DropoutAttribute";

        public override LayerEmitter Emitter { get; } = new DropoutEmitter();

        public override LayerSpec Parse(AttributeData attribute, LayerParseContext context)
        {
            double rate = LayerParseContext.DoubleArgument(attribute, 0);
            var (name, propertyName) = context.TakeName(attribute, DefaultNamePrefix);
            if (!(rate >= 0 && rate < 1)) context.Report(DiagnosticDescriptors.DropoutRateOutOfRange, name, rate);
            return new DropoutSpec(name, propertyName, context.Input, rate);
        }
    }

    /// <summary>The checks and the output shape every window over a spatial input shares (convolution, pooling).</summary>
    internal static class SpatialWindow
    {
        public static ShapeSpec Output(LayerParseContext context, string name, int channels, int size, int stride, int padding, string what)
        {
            var input = context.Input;
            if (!input.Spatial)
            {
                if (context.Previous is null) context.Report(DiagnosticDescriptors.SpatialLayerOnFlatInput, name);
                else context.Report(DiagnosticDescriptors.SpatialLayerAfterFlat, name, context.Previous.Name, context.Previous.Kind);
                return input; // flat still, so the layers after it report nothing more

            }
            if (size <= 0) context.Report(DiagnosticDescriptors.MustBePositive, name, what + " size", size);
            if (stride <= 0) context.Report(DiagnosticDescriptors.MustBePositive, name, "stride", stride);
            if (size <= 0 || stride <= 0) return new ShapeSpec(channels, 1, 1, Spatial: true);
            int height = (input.Height + 2 * padding - size) / stride + 1, width = (input.Width + 2 * padding - size) / stride + 1;
            if (input.Height + 2 * padding < size || input.Width + 2 * padding < size)
            {
                context.Report(DiagnosticDescriptors.WindowLargerThanInput, name, what, size, input.Text, padding);
                return new ShapeSpec(channels, 1, 1, Spatial: true);
            }
            return new ShapeSpec(channels, height, width, Spatial: true);
        }
    }
}
