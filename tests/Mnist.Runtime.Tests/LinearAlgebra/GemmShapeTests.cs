using Mnist.LinearAlgebra;
using Xunit;

namespace Mnist.Runtime.Tests.LinearAlgebra;

public class GemmShapeTests
{
    [Fact]
    public void A_training_step_has_each_layers_forward_and_weight_gradient_and_the_hidden_layers_propagation()
    {
        var shapes = GemmShape.TrainingStep([(784, 128), (128, 10)], 32);

        Assert.Equal(
            [new(false, false, 128, 32, 784), new(false, true, 128, 784, 32),
             new(false, false, 10, 32, 128), new(false, true, 10, 128, 32), new(true, false, 128, 32, 10)],
            shapes);
    }

    [Fact]
    public void With_sparse_inputs_the_first_layers_products_are_left_to_the_sparse_kernels()
    {
        var shapes = GemmShape.TrainingStep([(784, 128), (128, 10)], 32, sparseInputs: true);

        Assert.Equal([new(false, false, 10, 32, 128), new(false, true, 10, 128, 32), new(true, false, 128, 32, 10)], shapes);
    }

    [Fact]
    public void A_one_layer_model_keeps_its_products_to_time_even_with_sparse_inputs()
    {
        Assert.Equal(GemmShape.TrainingStep([(784, 10)], 32), GemmShape.TrainingStep([(784, 10)], 32, sparseInputs: true));
        Assert.Equal(2, GemmShape.TrainingStep([(784, 10)], 32, sparseInputs: true).Count);
    }
}
