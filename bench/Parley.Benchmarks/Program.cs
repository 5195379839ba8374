using BenchmarkDotNet.Running;

// Thin entry point: every public benchmark class in this assembly is selectable with --filter.
BenchmarkSwitcher.FromAssembly(typeof(Parley.Benchmarks.Frames.FrameParseBenchmarks).Assembly).Run(args);
