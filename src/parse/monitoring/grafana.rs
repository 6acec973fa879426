//! Grafana provisioning files: datasources (`provisioning/datasources/*.yaml`) and dashboard
//! providers (`provisioning/dashboards/*.yaml`), as Grafana's `pkg/services/provisioning` reads
//! them. Grafana decodes these files leniently (unknown keys are ignored), so there is no
//! schema here.

use super::{items_at, text_at, Text};
use crate::parse::yaml::{Node, NodeKind, YamlFile};

/// A datasource provisioning file.
#[derive(Clone, Debug)]
pub struct DatasourceFile<'a> {
    pub api_version: Option<Text<'a>>,
    pub datasources: Vec<Datasource<'a>>,
}

/// One `datasources` entry.
#[derive(Clone, Debug)]
pub struct Datasource<'a> {
    pub node: Node<'a>,
    pub name: Option<Text<'a>>,
    pub type_: Option<Text<'a>>,
    pub url: Option<Text<'a>>,
    pub access: Option<Text<'a>>,
    /// `isDefault`, when it is true (the text that sets it).
    pub is_default: Option<Text<'a>>,
    /// `orgId`, 1 when unset.
    pub org_id: i64,
    /// Entries of `secureJsonData`: key and value.
    pub secure_json_data: Vec<(Text<'a>, Text<'a>)>,
}

/// A dashboard provider file.
#[derive(Clone, Debug)]
pub struct DashboardProviderFile<'a> {
    pub providers: Vec<DashboardProvider<'a>>,
}

/// One `providers` entry. Its `options.path` is a path inside the Grafana container; finding
/// the folder of the repository it names needs the Compose mounts of the Grafana service.
#[derive(Clone, Debug)]
pub struct DashboardProvider<'a> {
    pub node: Node<'a>,
    pub name: Option<Text<'a>>,
    pub type_: Option<Text<'a>>,
    pub path: Option<Text<'a>>,
    pub folders_from_files_structure: bool,
}

/// Grafana reads booleans with Go's `strconv.ParseBool` after expanding variables.
fn truthy(text: Text<'_>) -> bool {
    matches!(text.value, "true" | "True" | "TRUE" | "t" | "T" | "1")
}

impl<'a> DatasourceFile<'a> {
    pub fn from_yaml(file: &'a YamlFile) -> Option<DatasourceFile<'a>> {
        let root = file.documents().next()?;
        if root.kind() != NodeKind::Mapping {
            return None;
        }
        let datasources = items_at(root, "datasources")
            .into_iter()
            .filter(|d| d.kind() == NodeKind::Mapping)
            .map(|node| Datasource {
                node,
                name: text_at(node, "name"),
                type_: text_at(node, "type"),
                url: text_at(node, "url"),
                access: text_at(node, "access"),
                is_default: text_at(node, "isDefault").filter(|t| truthy(*t)),
                org_id: text_at(node, "orgId")
                    .and_then(|t| t.value.trim().parse().ok())
                    .filter(|id| *id != 0)
                    .unwrap_or(1),
                secure_json_data: node
                    .get("secureJsonData")
                    .map(|s| s.entries())
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|(k, v)| Some((Text::of(k)?, Text::of(v)?)))
                    .collect(),
            })
            .collect();
        Some(DatasourceFile {
            api_version: text_at(root, "apiVersion"),
            datasources,
        })
    }
}

impl<'a> DashboardProviderFile<'a> {
    pub fn from_yaml(file: &'a YamlFile) -> Option<DashboardProviderFile<'a>> {
        let root = file.documents().next()?;
        if root.kind() != NodeKind::Mapping {
            return None;
        }
        let providers = items_at(root, "providers")
            .into_iter()
            .filter(|p| p.kind() == NodeKind::Mapping)
            .map(|node| {
                let options = node.get("options");
                DashboardProvider {
                    node,
                    name: text_at(node, "name"),
                    type_: text_at(node, "type"),
                    path: options.and_then(|o| text_at(o, "path")),
                    folders_from_files_structure: options
                        .and_then(|o| text_at(o, "foldersFromFilesStructure"))
                        .is_some_and(truthy),
                }
            })
            .collect();
        Some(DashboardProviderFile { providers })
    }
}
