//! Small text helpers shared by parsers, configuration and rules.

/// Levenshtein distance between two short names, counting characters: the measure behind
/// every "did you mean" suggestion.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

/// A POSIX path as a container sees it: absolute, without `.`, `..` and repeated or trailing
/// `/` (`..` at the root stays at the root). The form mount targets are compared in.
pub fn normalize_container_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::{edit_distance, normalize_container_path};

    #[test]
    fn container_paths_are_normalized_lexically() {
        assert_eq!(normalize_container_path("/var//log/./app/"), "/var/log/app");
        assert_eq!(normalize_container_path("/a/b/../c"), "/a/c");
        assert_eq!(normalize_container_path("/../x"), "/x");
        assert_eq!(normalize_container_path("relative/x"), "/relative/x");
        assert_eq!(normalize_container_path(""), "/");
    }

    #[test]
    fn counts_insertions_deletions_and_substitutions() {
        assert_eq!(edit_distance("select", "select"), 0);
        assert_eq!(edit_distance("selct", "select"), 1);
        assert_eq!(edit_distance("extend_select", "extend-select"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("é", "e"), 1);
    }
}
