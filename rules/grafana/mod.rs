//! `GRF`: Grafana provisioning — datasources that make Grafana refuse to provision, secrets
//! left as placeholders, and what the Grafana service of the Compose stack does not get:
//! dashboard folders no mount fills, datasources pointing at hosts the stack does not have
//! (see [`crate::rules::monitoring`]).

use crate::kind::FileKind;
use crate::parse::yaml::YamlFile;
use crate::project::ParsedFile;

crate::family_rules! {
    duplicate_default_datasource => DuplicateDefaultDatasource,
    unknown_datasource_access => UnknownDatasourceAccess,
    placeholder_datasource_secret => PlaceholderDatasourceSecret,
    dashboards_not_provisioned => DashboardsNotProvisioned,
    datasource_host_not_service => DatasourceHostNotService,
}

/// The YAML tree of a Grafana datasource provisioning file.
pub(crate) fn datasources_yaml(file: &ParsedFile) -> Option<&YamlFile> {
    if file.source.kind != FileKind::GrafanaDatasources {
        return None;
    }
    file.model.yaml()
}

/// The YAML tree of a Grafana dashboard provider file.
pub(crate) fn dashboards_yaml(file: &ParsedFile) -> Option<&YamlFile> {
    if file.source.kind != FileKind::GrafanaDashboards {
        return None;
    }
    file.model.yaml()
}
