using SkiaSharp;

namespace Mnist.App.Rendering;

/// <summary>The typeface text is drawn with: DejaVu Sans (Debian's fonts-dejavu-core) when present, else Skia's default.</summary>
public static class Typefaces
{
    private static readonly string[] Candidates =
    [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    ];

    private static readonly Lazy<SKTypeface> Loaded = new(() =>
        Candidates.Where(File.Exists).Select(SKTypeface.FromFile).FirstOrDefault(t => t is not null)
        ?? SKTypeface.FromFamilyName("DejaVu Sans") ?? SKTypeface.Default);

    /// <summary>The regular text typeface.</summary>
    public static SKTypeface Regular => Loaded.Value;

    private static readonly string[] CjkCandidates =
    [
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    ];

    private static readonly Lazy<SKTypeface?> LoadedCjk = new(() =>
        CjkCandidates.Where(File.Exists).Select(f => SKTypeface.FromFile(f, 2)).FirstOrDefault(t => t is not null) // face 2 of the collection: Simplified Chinese
        ?? CjkCandidates.Where(File.Exists).Select(f => SKTypeface.FromFile(f)).FirstOrDefault(t => t is not null));

    /// <summary>A typeface with Chinese glyphs (Noto Sans CJK, Debian's fonts-noto-cjk); a usage error naming the package when it is not installed.</summary>
    public static SKTypeface Cjk => LoadedCjk.Value
        ?? throw new Cli.UsageException("Chinese labels need a CJK font: install Debian's fonts-noto-cjk (bash scripts/install-native.sh does)");

    /// <summary>The font file in use, or null when Skia's default is used.</summary>
    public static string? FontFile => Candidates.FirstOrDefault(File.Exists);
}
