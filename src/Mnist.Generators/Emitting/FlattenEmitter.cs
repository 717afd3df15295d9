using Mnist.Generators.Model;

namespace Mnist.Generators.Emitting
{
    /// <summary>A flatten is a change of view: NCHW samples are already features in <c>nn.Flatten</c>'s order, so it has no buffers and no code.</summary>
    internal sealed class FlattenEmitter : LayerEmitter
    {
        public override string RuntimeType => "global::Mnist.ParameterlessLayer";

        public override bool AliasesInput => true;

        public override string Construct(LayerSpec layer) =>
            $"new global::Mnist.ParameterlessLayer(\"{layer.Name}\", \"flatten\", new global::Mnist.SampleShape({layer.Input.Arguments}), new global::Mnist.SampleShape({layer.Output.Arguments}))";

        public override string Describe(LayerSpec layer) => $"flatten {layer.Input.Text} → {layer.Output.Text}";

        public override string Architecture(LayerSpec layer) => "-flatten";

        public override void EmitForward(LayerEmitContext c) { }

        public override void EmitBackward(LayerEmitContext c, BackwardMode mode) { }
    }
}
