namespace Mnist.LinearAlgebra;

/// <summary>The backend in use and why it was chosen (printed at the start of train and eval).</summary>
public sealed record BlasSelection(IGemmBackend Backend, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => $"blas: {Backend.Name} — {Backend.Description}; {Reason}";
}
