namespace Mnist.App.Model;

/// <summary>
/// The classic MNIST convnet (Keras' "simple MNIST convnet", ../shared/anchors/cnn-pytorch/cnn.py):
/// Conv2d(1, 32, 3) ReLU, MaxPool 2, Conv2d(32, 64, 3) ReLU, MaxPool 2, Flatten, Dropout 0.5,
/// Linear(1600, 10); 34,826 parameters under PyTorch's names <c>conv1.*</c>, <c>conv2.*</c>, <c>fc.*</c>.
/// </summary>
[Network(Channels = 1, Height = 28, Width = 28)]
[Conv2D(32, 3, Activation.ReLU, Name = "conv1")]
[MaxPool2D(2, Name = "pool1")]
[Conv2D(64, 3, Activation.ReLU, Name = "conv2")]
[MaxPool2D(2, Name = "pool2")]
[Flatten(Name = "flatten")]
[Dropout(0.5, Name = "dropout")]
[Dense(10, Name = "fc")]
public sealed partial class ConvClassifier;
