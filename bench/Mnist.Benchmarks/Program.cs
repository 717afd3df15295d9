using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Mnist.Benchmarks.NetworkBenchmarks).Assembly).Run(args);
