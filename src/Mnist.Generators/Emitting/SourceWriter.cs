using System;
using System.Text;

namespace Mnist.Generators.Emitting
{
    /// <summary>Indented source text with '\n' line endings, whatever the machine.</summary>
    internal sealed class SourceWriter
    {
        private readonly StringBuilder _text = new();
        private int _indent;

        public void Line(string line = "")
        {
            if (line.Length > 0) _text.Append(' ', _indent * 4).Append(line);
            _text.Append('\n');
        }

        public void Open(string line)
        {
            if (line.Length > 0) Line(line);
            Line("{");
            _indent++;
        }

        public void Close(string suffix = "")
        {
            _indent--;
            Line("}" + suffix);
        }

        public void Lines(string block)
        {
            foreach (var line in block.Split(new[] { '\n' }, StringSplitOptions.None)) Line(line.TrimEnd('\r'));
        }

        public override string ToString() => _text.ToString();
    }
}
