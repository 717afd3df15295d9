namespace Mnist.LinearAlgebra;

/// <summary>A backend was asked for by name and cannot load; the message says which package installs it.</summary>
public sealed class BlasUnavailableException(string message) : Exception(message);
