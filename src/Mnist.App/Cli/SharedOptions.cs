using System.CommandLine;

namespace Mnist.App.Cli;

/// <summary>The options several commands take, declared here once so that they read the same everywhere.</summary>
public static class SharedOptions
{
    /// <summary><c>--model FILE</c>: a checkpoint written by <c>mnist train</c> (required).</summary>
    public static Option<string> Model() => NonEmpty(new Option<string>("--model") { Description = "Model checkpoint (.npz written by mnist train)", Required = true });

    /// <summary><c>--data SOURCE</c>: a dataset in any format; the fetched MNIST when absent.</summary>
    public static Option<string?> Data(string use = "Dataset") =>
        NonEmpty(new Option<string?>("--data") { Description = $"{use} (.npz, IDX directory or PNG directory; default: the fetched MNIST)" });

    /// <summary><c>--json</c>: standard output holds one JSON document and nothing else.</summary>
    public static Option<bool> Json() => new("--json") { Description = "Print one JSON document on stdout and nothing else (progress only with --verbose, on stderr)" };

    /// <summary><c>--arch mlp|convnet</c>: the network to train or time (default mlp, the original program's).</summary>
    public static Option<string> Architecture()
    {
        var option = new Option<string>("--arch") { Description = "mlp (784-128-10, the original program's, default) or convnet (the classic MNIST convnet, 34,826 parameters)", DefaultValueFactory = _ => "mlp" };
        option.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
                if (!Mnist.App.Model.Architectures.Names.Contains(token.Value))
                    result.AddError($"--arch must be one of {string.Join(", ", Mnist.App.Model.Architectures.Names)}; got '{token.Value}'");
        });
        return option;
    }

    /// <summary><c>--lang en|zh</c>: the labels' language (zh: the original program's 真实 / 预测 / 概率).</summary>
    public static Option<string> Language()
    {
        var option = new Option<string>("--lang") { Description = "Labels in English (en, default) or Chinese (zh: 真实 7  预测 7  概率 99.82%, drawn with Noto Sans CJK)", DefaultValueFactory = _ => "en" };
        option.AcceptOnlyFromAmong("en", "zh");
        return option;
    }

    /// <summary>Refuses an empty or blank value of <paramref name="option"/> as a usage error naming it.</summary>
    public static Option<T> NonEmpty<T>(Option<T> option)
    {
        option.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
                if (string.IsNullOrWhiteSpace(token.Value)) result.AddError($"{option.Name} must not be empty");
        });
        return option;
    }
}
