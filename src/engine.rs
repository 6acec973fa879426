//! The rule registry, the parallel run and the ordering of findings.
