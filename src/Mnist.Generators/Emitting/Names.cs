using System.Globalization;

namespace Mnist.Generators.Emitting
{
    /// <summary>Fully qualified names the generated code uses, and invariant number formatting.</summary>
    internal static class Names
    {
        public const string Matrix = "global::MathNet.Numerics.LinearAlgebra.Matrix<float>";
        public const string NoTranspose = "global::MathNet.Numerics.Providers.LinearAlgebra.Transpose.DontTranspose";
        public const string Transpose = "global::MathNet.Numerics.Providers.LinearAlgebra.Transpose.Transpose";
        public const string Gemm = "global::Mnist.Kernels.Gemm.Multiply";
        public const string DenseKernels = "global::Mnist.Kernels.DenseKernels";
        public const string SparseProducts = "global::Mnist.Kernels.SparseProducts";
        public const string Softmax = "global::Mnist.Kernels.SoftmaxCrossEntropy";
        public const string Workspace = "global::Mnist.NetworkWorkspace";
        public const string Network = "global::Mnist.INetwork";
        public const string Batch = "global::Mnist.Batch";
        public const string Tensor = "global::Mnist.Tensor";
        public const string ParameterUpdate = "global::Mnist.IParameterUpdate";
        public const string Values = "global::Mnist.Kernels.Gemm.Values";
        public const string Layer = "global::Mnist.Layer";
        public const string GemmShape = "global::Mnist.LinearAlgebra.GemmShape";
        public const string ReadOnlyList = "global::System.Collections.Generic.IReadOnlyList";

        public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

        public static string Float(double value) => value.ToString("R", CultureInfo.InvariantCulture) + "f";
    }
}
