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

    /// <summary>The font file in use, or null when Skia's default is used.</summary>
    public static string? FontFile => Candidates.FirstOrDefault(File.Exists);
}
