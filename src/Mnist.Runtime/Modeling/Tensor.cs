namespace Mnist;

/// <summary>How a <see cref="Tensor"/>'s values are stored.</summary>
public enum TensorLayout
{
    /// <summary>In the order of the shape's indices, last fastest (C order, PyTorch's and numpy's).</summary>
    RowMajor,

    /// <summary>A matrix stored column by column (MathNet's order): element [r, c] at c · rows + r.</summary>
    ColumnMajor,
}

/// <summary>
/// A named tensor of a network — a parameter (<c>linear.weight</c> [128, 784]), its gradient, or an
/// optimizer's state for it — with its shape in PyTorch's layout. <see cref="Values"/> is the storage,
/// for element-wise work (an optimizer's update needs no layout); <see cref="CopyTo"/> and
/// <see cref="CopyFrom(ReadOnlySpan{float})"/> read and write PyTorch's order whatever the storage.
/// </summary>
public sealed class Tensor
{
    private readonly float[] _storage;
    private readonly int[] _shape;

    /// <summary>Wraps <paramref name="storage"/> (not copied), which holds exactly the shape's elements.</summary>
    public Tensor(string name, int[] shape, float[] storage, TensorLayout layout = TensorLayout.RowMajor)
    {
        long length = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"tensor '{name}' has a negative dimension", nameof(shape));
            length = checked(length * d);
        }
        if (length != storage.Length) throw new ArgumentException($"tensor '{name}' of shape [{string.Join(", ", shape)}] needs {length} values, not {storage.Length}", nameof(storage));
        if (layout == TensorLayout.ColumnMajor && shape.Length != 2) throw new ArgumentException("only a matrix is stored column by column", nameof(layout));
        Name = name;
        _shape = (int[])shape.Clone();
        _storage = storage;
        Layout = layout;
    }

    /// <summary>A zero tensor of the same shape and layout, named <paramref name="name"/>.</summary>
    public Tensor Like(string name) => new(name, _shape, new float[_storage.Length], Layout);

    /// <summary>The state-dict key, e.g. <c>linear.weight</c>.</summary>
    public string Name { get; }

    /// <summary>Dimensions in PyTorch's layout: [out, in] for a dense weight, [out, in, kh, kw] for a convolution's.</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>How <see cref="Values"/> is ordered.</summary>
    public TensorLayout Layout { get; }

    /// <summary>Number of elements.</summary>
    public int Length => _storage.Length;

    /// <summary>The values in storage order (see <see cref="Layout"/>): a view, valid as long as the tensor.</summary>
    public Span<float> Values => _storage;

    /// <summary>Element [<paramref name="row"/>, <paramref name="column"/>] of a matrix, in PyTorch's indices.</summary>
    public float this[int row, int column]
    {
        get => _storage[Offset(row, column)];
        set => _storage[Offset(row, column)] = value;
    }

    /// <summary>Element <paramref name="index"/> in PyTorch's (C) order.</summary>
    public float this[int index]
    {
        get => _storage[Layout == TensorLayout.RowMajor ? index : Offset(index / _shape[1], index % _shape[1])];
        set => _storage[Layout == TensorLayout.RowMajor ? index : Offset(index / _shape[1], index % _shape[1])] = value;
    }

    /// <summary>Writes the values in PyTorch's (C) order.</summary>
    public void CopyTo(Span<float> destination)
    {
        if (destination.Length < Length) throw new ArgumentException($"{destination.Length} values for tensor '{Name}' of {Length}", nameof(destination));
        if (Layout == TensorLayout.RowMajor)
        {
            _storage.CopyTo(destination);
            return;
        }
        int rows = _shape[0], columns = _shape[1];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                destination[r * columns + c] = _storage[c * rows + r];
    }

    /// <summary>Reads the values from PyTorch's (C) order.</summary>
    public void CopyFrom(ReadOnlySpan<float> source)
    {
        if (source.Length != Length) throw new ArgumentException($"{source.Length} values for tensor '{Name}' of {Length}", nameof(source));
        if (Layout == TensorLayout.RowMajor)
        {
            source.CopyTo(_storage);
            return;
        }
        int rows = _shape[0], columns = _shape[1];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                _storage[c * rows + r] = source[r * columns + c];
    }

    /// <summary>Copies the values of <paramref name="other"/>, which has the same shape and layout.</summary>
    public void CopyFrom(Tensor other)
    {
        if (!other._shape.AsSpan().SequenceEqual(_shape) || other.Layout != Layout)
            throw new ArgumentException($"tensor '{other.Name}' [{string.Join(", ", other.Shape)}] does not fit '{Name}' [{string.Join(", ", Shape)}]", nameof(other));
        other._storage.CopyTo(_storage, 0);
    }

    /// <summary>True when every value is finite (no NaN, no infinity).</summary>
    public bool IsFinite() => System.Numerics.Tensors.TensorPrimitives.IsFiniteAll<float>(_storage);

    /// <inheritdoc />
    public override string ToString() => $"{Name} [{string.Join(", ", _shape)}]";

    private int Offset(int row, int column)
    {
        if (_shape.Length != 2) throw new InvalidOperationException($"tensor '{Name}' is not a matrix");
        if ((uint)row >= (uint)_shape[0] || (uint)column >= (uint)_shape[1]) throw new IndexOutOfRangeException($"[{row}, {column}] is outside '{Name}' [{_shape[0]}, {_shape[1]}]");
        return Layout == TensorLayout.RowMajor ? row * _shape[1] + column : column * _shape[0] + row;
    }
}
