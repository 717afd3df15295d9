using System.Buffers.Binary;
using System.Globalization;

namespace Mnist.Onnx;

/// <summary>How <see cref="OnnxExport"/> writes a network.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>The ONNX operator set (13 to 17): every operator used means the same in all of them.</summary>
    public int Opset { get; init; } = 13;

    /// <summary>End with a softmax: the output is <c>probabilities</c> instead of <c>logits</c>.</summary>
    public bool Softmax { get; init; }

    /// <summary>The image a flat network's input comes from (fed as N × C × H × W and flattened first); default 1×28×28 for 784 inputs.</summary>
    public SampleShape? ImageShape { get; init; }

    /// <summary>Extra metadata (key, value) written into the model beside the architecture and the preprocessing.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}

/// <summary>
/// Writes a compiled network as an ONNX model: input <c>input</c> float32 [N, C, H, W] with a symbolic batch N (a
/// dense-only network flattens it first, so every export is fed the same way), output <c>logits</c> [N, classes]
/// (or <c>probabilities</c>), the parameters as initializers under their checkpoint names in PyTorch's layout, and
/// metadata naming the architecture, the preprocessing and the producer. Every layer kind maps to one standard
/// operator (dense: Gemm with transB; conv2d: Conv; pooling: MaxPool, AveragePool; flatten: Flatten; the
/// activations: Relu, Tanh, Sigmoid); dropout is the identity and writes no node. The protobuf is written by
/// <see cref="ProtoWriter"/>: no dependency, no Python.
/// </summary>
public static class OnnxExport
{
    /// <summary>Writes <paramref name="network"/> to <paramref name="stream"/>.</summary>
    public static void Write(INetwork network, Stream stream, OnnxExportOptions? options = null)
    {
        options ??= new OnnxExportOptions();
        if (options.Opset is < 13 or > 17) throw new ArgumentOutOfRangeException(nameof(options), options.Opset, "opset must be 13 to 17");
        var image = network.InputShape.IsFlat
            ? options.ImageShape ?? (network.InputSize == 784 ? new SampleShape(1, 28, 28) : new SampleShape(network.InputSize))
            : network.InputShape;
        if (image.Features != network.InputSize) throw new ArgumentException($"an image of {image} is not the network's {network.InputSize} inputs", nameof(options));

        var graph = new ProtoWriter();
        var nodes = new List<NodeSpec>();
        string current = "input";
        int rank = 4;
        foreach (var layer in network.Layers)
        {
            switch (layer)
            {
                case DenseLayer dense:
                    if (rank != 2) current = Node(nodes, "Flatten", [current], $"{dense.Name}.flatten", new Attributes().Int("axis", 1));
                    rank = 2;
                    current = Node(nodes, "Gemm", [current, $"{dense.Name}.weight", $"{dense.Name}.bias"], dense.Name, new Attributes().Int("transB", 1));
                    current = Activation(nodes, dense.Activation, current, dense.Name);
                    break;
                case Conv2DLayer conv:
                    var w = conv.Window;
                    current = Node(nodes, "Conv", [current, $"{conv.Name}.weight", $"{conv.Name}.bias"], conv.Name, new Attributes()
                        .Ints("kernel_shape", w.Size, w.Size).Ints("strides", w.Stride, w.Stride).Ints("pads", w.Padding, w.Padding, w.Padding, w.Padding));
                    current = Activation(nodes, conv.Activation, current, conv.Name);
                    break;
                case Pool2DLayer pool:
                    current = Node(nodes, pool.IsMax ? "MaxPool" : "AveragePool", [current], pool.Name, new Attributes()
                        .Ints("kernel_shape", pool.Window.Size, pool.Window.Size).Ints("strides", pool.Window.Stride, pool.Window.Stride));
                    break;
                case DropoutLayer:
                    break; // the identity in inference
                default:
                    if (layer.Kind != "flatten") throw new NotSupportedException($"layer '{layer.Name}' of kind {layer.Kind} has no ONNX export");
                    current = Node(nodes, "Flatten", [current], layer.Name, new Attributes().Int("axis", 1));
                    rank = 2;
                    break;
            }
        }
        if (rank != 2) current = Node(nodes, "Flatten", [current], "output.flatten", new Attributes().Int("axis", 1));
        string output = options.Softmax ? "probabilities" : "logits";
        if (options.Softmax) current = Node(nodes, "Softmax", [current], "softmax", new Attributes().Int("axis", 1));
        // the last node's output is the graph's output
        nodes[^1] = nodes[^1] with { Output = output };

        foreach (var node in nodes) graph.Message(1, node.Write());
        graph.String(2, "mnist");
        foreach (var parameter in network.Parameters) graph.Message(5, Initializer(parameter));
        graph.Message(11, ValueInfo("input", [image.Channels, image.Height, image.Width]));
        graph.Message(12, ValueInfo(output, [network.OutputSize]));

        var model = new ProtoWriter();
        model.Varint(1, options.Opset <= 13 ? 7 : 8); // the IR version of the operator set
        model.String(2, "Mnist");
        model.String(3, typeof(OnnxExport).Assembly.GetName().Version?.ToString() ?? "0");
        model.Message(7, graph);
        var opset = new ProtoWriter();
        opset.String(1, "");
        opset.Varint(2, options.Opset);
        model.Message(8, opset);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["architecture"] = network.Architecture,
            ["preprocessing"] = $"pixels / 255 as float32, {image.Channels}x{image.Height}x{image.Width} in NCHW order (MNIST: white digit on black, centred by mass in 28x28)",
            ["output"] = options.Softmax ? "probabilities of the classes 0..9" : "logits of the classes 0..9 (softmax gives the probabilities)",
        };
        foreach (var (key, value) in options.Metadata ?? new Dictionary<string, string>()) metadata[key] = value;
        foreach (var (key, value) in metadata)
        {
            var entry = new ProtoWriter();
            entry.String(1, key);
            entry.String(2, value);
            model.Message(14, entry);
        }
        model.CopyTo(stream);
    }

    private static string Activation(List<NodeSpec> nodes, Activation activation, string input, string layer) => activation switch
    {
        Mnist.Activation.ReLU => Node(nodes, "Relu", [input], $"{layer}.relu", new Attributes()),
        Mnist.Activation.Tanh => Node(nodes, "Tanh", [input], $"{layer}.tanh", new Attributes()),
        Mnist.Activation.Sigmoid => Node(nodes, "Sigmoid", [input], $"{layer}.sigmoid", new Attributes()),
        _ => input,
    };

    // a node whose one output is named after it; returns that name
    private static string Node(List<NodeSpec> nodes, string op, string[] inputs, string name, Attributes attributes)
    {
        nodes.Add(new NodeSpec(op, inputs, name + ".out", name, attributes));
        return name + ".out";
    }

    private sealed record NodeSpec(string Op, string[] Inputs, string Output, string Name, Attributes Attributes)
    {
        public ProtoWriter Write()
        {
            var node = new ProtoWriter();
            foreach (string input in Inputs) node.String(1, input);
            node.String(2, Output);
            node.String(3, Name);
            node.String(4, Op);
            foreach (var attribute in Attributes.Items) node.Message(5, attribute);
            return node;
        }
    }

    private sealed class Attributes
    {
        public List<ProtoWriter> Items { get; } = [];

        public Attributes Int(string name, long value)
        {
            var a = new ProtoWriter();
            a.String(1, name);
            a.Varint(3, value);
            a.Varint(20, 2); // INT
            Items.Add(a);
            return this;
        }

        public Attributes Ints(string name, params long[] values)
        {
            var a = new ProtoWriter();
            a.String(1, name);
            a.PackedInt64(8, values);
            a.Varint(20, 7); // INTS
            Items.Add(a);
            return this;
        }
    }

    private static ProtoWriter Initializer(Tensor parameter)
    {
        var tensor = new ProtoWriter();
        tensor.PackedInt64(1, parameter.Shape.Select(d => (long)d));
        tensor.Varint(2, 1); // FLOAT
        tensor.String(8, parameter.Name);
        var values = new float[parameter.Length];
        parameter.CopyTo(values); // PyTorch's C order, whatever the storage
        var raw = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(4 * i), values[i]);
        tensor.Bytes(9, raw);
        return tensor;
    }

    // float32 [batch, dims...] with a symbolic batch
    private static ProtoWriter ValueInfo(string name, int[] dims)
    {
        var shape = new ProtoWriter();
        var batch = new ProtoWriter();
        batch.String(2, "batch");
        shape.Message(1, batch);
        foreach (int d in dims)
        {
            var dim = new ProtoWriter();
            dim.Varint(1, d);
            shape.Message(1, dim);
        }
        var tensorType = new ProtoWriter();
        tensorType.Varint(1, 1); // FLOAT
        tensorType.Message(2, shape);
        var type = new ProtoWriter();
        type.Message(1, tensorType);
        var info = new ProtoWriter();
        info.String(1, name);
        info.Message(2, type);
        return info;
    }
}
