using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Mnist.Generators.Model
{
    /// <summary>
    /// A diagnostic held as plain values (descriptor id, file, span, message arguments) so it can
    /// travel through the cached pipeline; turned into a <see cref="Diagnostic"/> when reported.
    /// </summary>
    internal sealed record DiagnosticInfo(string Id, string FilePath, TextSpan Span, LinePositionSpan LineSpan, EquatableArray<string> Arguments)
    {
        public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location location, params string[] arguments)
        {
            var lineSpan = location.GetLineSpan();
            return new DiagnosticInfo(descriptor.Id, lineSpan.Path, location.SourceSpan, lineSpan.Span, arguments.ToEquatableArray());
        }

        public Diagnostic ToDiagnostic() =>
            Diagnostic.Create(
                Diagnostics.DiagnosticDescriptors.ById(Id),
                Location.Create(FilePath, Span, LineSpan),
                System.Linq.Enumerable.ToArray<object>(Arguments));
    }
}
