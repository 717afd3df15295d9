namespace Mnist.LinearAlgebra;

/// <summary>A backend was asked for by name and cannot load; the message names the missing library and the Debian package that ships it.</summary>
public sealed class BlasUnavailableException(string message) : Exception(message);
