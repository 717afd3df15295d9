// Every command installs its BLAS backend as MathNet's process-wide provider (--blas, --threads), so
// two commands running at once in this process could swap each other's backend mid-run: a seeded
// run would then not be reproducible. The commands' tests therefore run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
