using System.Collections.Generic;
using System.Linq;

namespace Mnist.Generators.Kinds
{
    /// <summary>The layer kinds a generator compiles, looked up by attribute (parsing) or by name (emitting).</summary>
    internal sealed class LayerKinds
    {
        private readonly Dictionary<string, LayerKind> _byAttribute;
        private readonly Dictionary<string, LayerKind> _byName;

        public LayerKinds(IEnumerable<LayerKind> kinds)
        {
            var all = kinds.ToList();
            _byAttribute = all.ToDictionary(k => k.AttributeName);
            _byName = all.ToDictionary(k => k.Name);
        }

        /// <summary>The kinds of the runtime's attributes.</summary>
        public static LayerKinds Default { get; } = new(new LayerKind[] { new DenseKind(), new Conv2DKind(), new PoolKind(max: true), new PoolKind(max: false), new FlattenKind(), new DropoutKind() });

        /// <summary>These kinds and <paramref name="more"/>.</summary>
        public LayerKinds With(params LayerKind[] more) => new(_byName.Values.Concat(more));

        public LayerKind? ForAttribute(string metadataName) => _byAttribute.TryGetValue(metadataName, out var kind) ? kind : null;

        public LayerKind this[string name] => _byName[name];
    }
}
