namespace Mnist.Generators.Emitting
{
    /// <summary>What a layer's backward code does with its parameters' gradients.</summary>
    internal enum BackwardMode
    {
        /// <summary>Writes them into the workspace's gradient buffers (<c>Backward</c>).</summary>
        Gradients,

        /// <summary>Folds plain SGD into the weight-gradient products (beta 1, alpha −lr): no gradient buffer is written (<c>TrainStep</c> with a learning rate; <c>learningRate</c> in scope).</summary>
        Sgd,

        /// <summary>Hands each parameter's gradient, slice by slice as it is computed, to an optimizer's element-wise update (<c>TrainStep</c> with an <c>IParameterUpdate</c>; <c>update</c> in scope).</summary>
        Update,
    }
}
