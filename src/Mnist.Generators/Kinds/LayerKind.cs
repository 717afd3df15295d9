using Microsoft.CodeAnalysis;
using Mnist.Generators.Emitting;
using Mnist.Generators.Model;
using Mnist.Generators.Parsing;

namespace Mnist.Generators.Kinds
{
    /// <summary>
    /// One kind of layer the compiler knows: the attribute that declares it, how that attribute becomes a
    /// <see cref="LayerSpec"/> (with its output shape and its diagnostics), and the emitter that writes
    /// its code. Adding a kind is writing one of these and registering it in <see cref="LayerKinds"/>.
    /// </summary>
    internal abstract class LayerKind
    {
        /// <summary>The kind's name in specs (<c>dense</c>).</summary>
        public abstract string Name { get; }

        /// <summary>Metadata name of the attribute that declares a layer of this kind.</summary>
        public abstract string AttributeName { get; }

        /// <summary>Default layer names are this prefix and the layer's position (<c>dense1</c>).</summary>
        public virtual string DefaultNamePrefix => Name;

        /// <summary>The layer declared by <paramref name="attribute"/>, its input being <see cref="LayerParseContext.Input"/>; problems go to the context.</summary>
        public abstract LayerSpec Parse(AttributeData attribute, LayerParseContext context);

        /// <summary>Writes the layer's code.</summary>
        public abstract LayerEmitter Emitter { get; }
    }
}
