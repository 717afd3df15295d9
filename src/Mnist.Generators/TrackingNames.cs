namespace Mnist.Generators
{
    /// <summary>Names of the pipeline steps, so tests can check that each one is cached.</summary>
    public static class TrackingNames
    {
        /// <summary>[Network] class → parsed model and diagnostics.</summary>
        public const string Parse = nameof(Parse);

        /// <summary>Valid specs only.</summary>
        public const string Specs = nameof(Specs);

        /// <summary>Diagnostics only.</summary>
        public const string Diagnostics = nameof(Diagnostics);
    }
}
