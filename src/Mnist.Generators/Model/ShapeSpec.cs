using System.Globalization;

namespace Mnist.Generators.Model
{
    /// <summary>
    /// The shape of one sample between two layers: channels × height × width of a spatial map (NCHW
    /// without the N), or a flat vector of features (<see cref="Spatial"/> false, height and width 1).
    /// </summary>
    internal readonly record struct ShapeSpec(int Channels, int Height, int Width, bool Spatial)
    {
        public static ShapeSpec Flat(int features) => new(features, 1, 1, false);

        public long Features => (long)Channels * Height * Width;

        public string Text => Spatial
            ? string.Format(CultureInfo.InvariantCulture, "{0}×{1}×{2}", Channels, Height, Width)
            : Features.ToString(CultureInfo.InvariantCulture);

        /// <summary>The arguments of the runtime's <c>SampleShape</c> constructor.</summary>
        public string Arguments => string.Format(CultureInfo.InvariantCulture, "{0}, {1}, {2}", Spatial ? Channels : Features, Height, Width);
    }
}
