using System.Globalization;
using System.Text;

namespace Mnist.Data.Npy;

/// <summary>
/// Parses the small subset of Python literals a .npy header uses: a dict of strings, booleans,
/// integers and tuples. Anything else is a clear error, never an evaluation.
/// </summary>
internal sealed class PythonLiteralParser(string text, string path)
{
    private int _position;

    public Dictionary<string, object> ParseDict()
    {
        var result = new Dictionary<string, object>(StringComparer.Ordinal);
        Expect('{');
        while (true)
        {
            SkipSpace();
            if (Peek() == '}') { _position++; break; }
            if (ParseValue() is not string key) throw Error("dict keys must be strings");
            Expect(':');
            result[key] = ParseValue();
            SkipSpace();
            if (Peek() == ',') { _position++; continue; }
            Expect('}');
            break;
        }
        return result;
    }

    private object ParseValue()
    {
        SkipSpace();
        char c = Peek();
        if (c is '\'' or '"') return ParseString(c);
        if (c == '(') return ParseTuple();
        if (c == '[') throw Error("structured dtypes (lists in the header) are not supported");
        if (char.IsDigit(c)) return ParseInteger();
        if (Match("True")) return true;
        if (Match("False")) return false;
        throw Error($"unexpected '{c}'");
    }

    private string ParseString(char quote)
    {
        _position++;
        var builder = new StringBuilder();
        while (_position < text.Length && text[_position] != quote) builder.Append(text[_position++]);
        if (_position >= text.Length) throw Error("unterminated string");
        _position++;
        return builder.ToString();
    }

    private List<long> ParseTuple()
    {
        _position++;
        var items = new List<long>();
        while (true)
        {
            SkipSpace();
            if (Peek() == ')') { _position++; return items; }
            items.Add(ParseInteger());
            SkipSpace();
            if (Peek() == ',') { _position++; continue; }
            Expect(')');
            return items;
        }
    }

    private long ParseInteger()
    {
        SkipSpace();
        int start = _position;
        while (_position < text.Length && char.IsAsciiDigit(text[_position])) _position++;
        if (Peek() == 'L') _position++; // Python 2 longs
        if (!long.TryParse(text.AsSpan(start, _position - start).TrimEnd('L'), NumberStyles.None, CultureInfo.InvariantCulture, out long value))
            throw Error("expected a non-negative integer");
        return value;
    }

    private bool Match(string word)
    {
        if (string.CompareOrdinal(text, _position, word, 0, word.Length) != 0) return false;
        _position += word.Length;
        return true;
    }

    private void Expect(char c)
    {
        SkipSpace();
        if (Peek() != c) throw Error($"expected '{c}'");
        _position++;
    }

    private char Peek() => _position < text.Length ? text[_position] : '\0';

    private void SkipSpace()
    {
        while (_position < text.Length && char.IsWhiteSpace(text[_position])) _position++;
    }

    private MnistDataException Error(string problem) =>
        new(path, $"malformed .npy header at character {_position}: {problem}");
}
