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
return last < first / 2 ? 0 : 1;

[Network(Inputs = 64)]
[Dense(32, Activation.Tanh, Name = "first")]
[Dense(16, Activation.ReLU, Name = "second")]
[Dense(4, Name = "head")]
public sealed partial class XorishNet;
