//! Walking the checked paths, and classifying each file's kind and environment.
