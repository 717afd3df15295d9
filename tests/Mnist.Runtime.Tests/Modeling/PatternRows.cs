namespace Mnist.Runtime.Tests.Modeling;

/// <summary>A pattern's feature-by-feature lists as arrays, for assertions.</summary>
internal static class PatternRows
{
    public static (int[] RowStart, int[] Column, float[] Value) Rows(this SparsePattern pattern)
    {
        pattern.EnsureRows();
        return (pattern.RowStart!, pattern.RowColumn!, pattern.RowValue!);
    }
}
