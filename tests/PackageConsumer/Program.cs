using MathNet.Numerics.LinearAlgebra;
using Mnist;

// A consumer's own architecture: 64 inputs, two hidden layers, 4 classes. No BLAS call of its own:
// the first workspace chooses the backend.
var network = new XorishNet(seed: 3);
var random = new Random(4);
var inputs = Matrix<float>.Build.Dense(XorishNet.InputSize, 32, (_, _) => random.NextDouble() < 0.2 ? 1f : 0f);
int[] labels = Enumerable.Range(0, 32).Select(i => i % XorishNet.OutputSize).ToArray();
var workspace = network.CreateWorkspace(32);

float first = network.TrainStep(inputs, labels, 0.1f, workspace);
float last = first;
for (int step = 0; step < 100; step++) last = network.TrainStep(inputs, labels, 0.1f, workspace);
long before = GC.GetAllocatedBytesForCurrentThread();
for (int step = 0; step < 200; step++) last = network.TrainStep(inputs, labels, 0.1f, workspace);
long perStep = (GC.GetAllocatedBytesForCurrentThread() - before) / 200;

Console.WriteLine($"{network.Architecture}: loss {first:F4} -> {last:F4}");
Console.WriteLine($"allocated per step: {perStep} B");
Console.WriteLine($"backend: {MnistBlas.Current?.Backend.Name ?? "none"}");

// and its own convnet, trained through the library's optimizer seam: kernels of 7, 3 and 1, stride, padding, both poolings
var conv = new TinyConvNet(seed: 5);
var images = Matrix<float>.Build.Dense(TinyConvNet.InputSize, 16, (r, c) => (float)Math.Sin(r * 0.37 + c % 4));
int[] classes = Enumerable.Range(0, 16).Select(i => i % 4).ToArray();
var convWorkspace = conv.CreateWorkspace(16);
var adam = new Mnist.Training.Adam(3e-3f);
float convFirst = adam.Step(conv, images, classes, convWorkspace), convLast = convFirst;
for (int step = 0; step < 150; step++) convLast = adam.Step(conv, images, classes, convWorkspace);
before = GC.GetAllocatedBytesForCurrentThread();
for (int step = 0; step < 50; step++) convLast = adam.Step(conv, images, classes, convWorkspace);
long convPerStep = (GC.GetAllocatedBytesForCurrentThread() - before) / 50;
Console.WriteLine($"{conv.Architecture}: loss {convFirst:F4} -> {convLast:F4}");
Console.WriteLine($"convnet allocated per step: {convPerStep} B");
return last < first / 2 && convLast < convFirst / 2 ? 0 : 1;

[Network(Inputs = 64)]
[Dense(32, Activation.Tanh, Name = "first")]
[Dense(16, Activation.ReLU, Name = "second")]
[Dense(4, Name = "head")]
public sealed partial class XorishNet;

[Network(Channels = 3, Height = 16, Width = 16)]
[Conv2D(8, 7, Activation.ReLU, Padding = 3, Name = "stem")]
[MaxPool2D(2)]
[Conv2D(16, 3, Activation.Tanh, Stride = 2, Padding = 1)]
[Conv2D(8, 1, Activation.ReLU)]
[AvgPool2D(2)]
[Flatten]
[Dropout(0.25)]
[Dense(4, Name = "head")]
public sealed partial class TinyConvNet;
