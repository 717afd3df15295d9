namespace Mnist.Generators.Model
{
    /// <summary>What the parser made of one [Network] class: a spec when it is valid, and the diagnostics.</summary>
    internal sealed record ParsedModel(ModelSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics);
}
