using Mnist.App.Cli;

return MnistCli.Run(args, Console.Out, Console.Error);
