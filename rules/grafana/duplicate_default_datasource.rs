use std::collections::BTreeMap;

use super::datasources_yaml;
use crate::kind::FileKind;
use crate::parse::monitoring::grafana::DatasourceFile;
use crate::rule::{Ctx, Rule};
use crate::source::{FileId, Span};

crate::declare_rule! {
    /// ## What it does
    /// Reports a second datasource marked `isDefault: true` for the same organisation, in one
    /// provisioning file or across the files of one provisioning folder (Grafana reads every
    /// file of the folder together).
    ///
    /// ## Why it matters
    /// Grafana refuses the provisioning ("datasource.yaml config is invalid. Only one
    /// datasource per organization can be marked as default") and fails to start. It happens
    /// when a second datasource file is copied from the first, `isDefault` included.
    ///
    /// ## Example
    /// ```yaml title="monitoring/grafana/provisioning/datasources/datasources.yml"
    /// apiVersion: 1
    /// datasources:
    ///   - name: Prometheus
    ///     type: prometheus
    ///     url: http://prometheus:9090
    ///     isDefault: true
    ///   - name: Loki
    ///     type: loki
    ///     url: http://loki:3100
    ///     isDefault: true
    /// ```
    ///
    /// ## How to fix
    /// Keep one default per organisation:
    ///
    /// ```yaml title="monitoring/grafana/provisioning/datasources/datasources.yml"
    /// apiVersion: 1
    /// datasources:
    ///   - name: Prometheus
    ///     type: prometheus
    ///     url: http://prometheus:9090
    ///     isDefault: true
    ///   - name: Loki
    ///     type: loki
    ///     url: http://loki:3100
    /// ```
    pub(crate) struct DuplicateDefaultDatasource {
        code: "GRF001",
        name: "duplicate-default-datasource",
        family: Grafana,
        severity: Error,
        scope: ALL,
    }
}

impl Rule for DuplicateDefaultDatasource {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let project = ctx.project;
        // (folder, org) → the first default: file, span, name.
        let mut first: BTreeMap<(std::path::PathBuf, i64), (FileId, Span, String)> =
            BTreeMap::new();
        for file in project.files_of_kind(FileKind::GrafanaDatasources) {
            let Some(yaml) = datasources_yaml(file) else {
                continue;
            };
            let Some(ds) = DatasourceFile::from_yaml(yaml) else {
                continue;
            };
            let folder = file
                .source
                .path
                .parent()
                .map(|p| p.to_path_buf())
                .unwrap_or_default();
            for d in &ds.datasources {
                let Some(flag) = d.is_default else { continue };
                let name = d.name.map_or("", |n| n.value).to_string();
                match first.get(&(folder.clone(), d.org_id)) {
                    Some((f, span, other)) => {
                        let place = if *f == file.id {
                            String::new()
                        } else {
                            format!(" in {}", project.file(*f).source.display_path)
                        };
                        ctx.report(
                            file.id,
                            flag.span,
                            format!(
                                "datasource `{name}` is marked default, but `{other}`{place} already is; Grafana refuses to provision datasources and does not start"
                            ),
                        )
                        .help("keep `isDefault: true` on one datasource per organisation")
                        .related(*f, *span, "already the default");
                    }
                    None => {
                        first.insert((folder.clone(), d.org_id), (file.id, flag.span, name));
                    }
                }
            }
        }
    }
}
