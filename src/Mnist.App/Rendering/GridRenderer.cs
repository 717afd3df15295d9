using SkiaSharp;

namespace Mnist.App.Rendering;

/// <summary>
/// The original program's figure: test digits in five columns, each drawn in the Blues colour map
/// (scaled to the image's own range, as matplotlib's matshow does) with "true 7  pred 7  99.82%"
/// under it; mistakes get a red frame and red text. 25 cells make 1400×800 pixels.
/// </summary>
public static class GridRenderer
{
    /// <summary>Cells per row.</summary>
    public const int Columns = 5;

    /// <summary>Cell size in pixels.</summary>
    public const int CellWidth = 280, CellHeight = 160;

    private const int ImageSize = 120;
    private static readonly SKColor Mistake = new(0xd6, 0x27, 0x28);

    /// <summary>PNG bytes of the grid.</summary>
    public static byte[] Render(IReadOnlyList<GridCell> cells, string? title = null, string language = "en")
    {
        int rows = Math.Max(1, (cells.Count + Columns - 1) / Columns);
        int header = title is null ? 0 : 40;
        var info = new SKImageInfo(Columns * CellWidth, rows * CellHeight + header, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info);
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var font = new SKFont(language == "zh" ? Typefaces.Cjk : Typefaces.Regular, 17);
        using var titleFont = new SKFont(Typefaces.Regular, 22);
        using var text = new SKPaint { IsAntialias = true, Color = SKColors.Black };
        using var red = new SKPaint { IsAntialias = true, Color = Mistake };
        using var frame = new SKPaint { Color = Mistake, Style = SKPaintStyle.Stroke, StrokeWidth = 4 };
        if (title is not null) canvas.DrawText(title, info.Width / 2f, 28, SKTextAlign.Center, titleFont, text);

        for (int i = 0; i < cells.Count; i++)
        {
            var cell = cells[i];
            float x = i % Columns * CellWidth, y = header + i / Columns * CellHeight;
            var imageRect = SKRect.Create(x + (CellWidth - ImageSize) / 2f, y + 8, ImageSize, ImageSize);
            using (var digit = DigitBitmap(cell.Pixels))
                canvas.DrawBitmap(digit, imageRect, new SKPaint { IsAntialias = false });
            if (cell.IsMistake) canvas.DrawRect(imageRect, frame);
            canvas.DrawText(cell.CaptionIn(language), x + CellWidth / 2f, y + ImageSize + 32, SKTextAlign.Center, font, cell.IsMistake ? red : text);
        }
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    private static SKBitmap DigitBitmap(byte[] pixels)
    {
        byte min = pixels.Min(), max = pixels.Max();
        double range = Math.Max(1, max - min);
        var bitmap = new SKBitmap(28, 28, SKColorType.Rgba8888, SKAlphaType.Premul);
        for (int r = 0; r < 28; r++)
            for (int c = 0; c < 28; c++)
                bitmap.SetPixel(c, r, BluesColorMap.Map((pixels[r * 28 + c] - min) / range));
        return bitmap;
    }
}
