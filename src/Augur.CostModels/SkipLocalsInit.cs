// The estimate paths build large value types (layer shapes, per-layer costs, step breakdowns) on the stack; C#'s definite
// assignment already guarantees every local is written before it is read, so the JIT's zeroing of each frame on entry is
// pure overhead (a third of some methods' time in the training-estimate benchmark). No stackalloc in this assembly.
[module: System.Runtime.CompilerServices.SkipLocalsInit]
