"""The benchmark: load generators, the servers it measures, and its report
(`hindsight-client bench`, docs/performance.md)."""
