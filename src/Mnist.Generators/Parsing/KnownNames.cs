namespace Mnist.Generators.Parsing
{
    /// <summary>Metadata names of the runtime's attributes and the members the emitter generates.</summary>
    internal static class KnownNames
    {
        public const string NetworkAttribute = "Mnist.NetworkAttribute";

        /// <summary>Members of the generated class a layer property must not collide with.</summary>
        public static readonly string[] GeneratedMembers =
        {
            "InputSize", "InputShape", "OutputSize", "ParameterCount", "Layers", "Parameters", "Architecture", "ReadsSparseInputs",
            "Products", "CreateWorkspace", "Forward", "Loss", "EvaluationLoss", "Backward", "TrainStep", "Predict", "CopyParametersFrom", "Clone", "Workspace",
        };
    }
}
