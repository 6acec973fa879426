//! `GRF`: Grafana provisioning — datasources that make Grafana refuse to provision, and secrets
//! left as placeholders.
//!
//! Dashboard providers are modelled ([`DashboardProviderFile`]) but not yet checked: whether
//! `options.path` holds dashboards depends on the Compose volumes of the Grafana service,
//! which is also what checking datasource URLs against Compose services needs.
//!
//! [`DashboardProviderFile`]: crate::parse::monitoring::grafana::DashboardProviderFile

use crate::kind::FileKind;
use crate::parse::yaml::YamlFile;
use crate::project::ParsedFile;

crate::family_rules! {
    duplicate_default_datasource => DuplicateDefaultDatasource,
    unknown_datasource_access => UnknownDatasourceAccess,
    placeholder_datasource_secret => PlaceholderDatasourceSecret,
}

/// The YAML tree of a Grafana datasource provisioning file.
pub(crate) fn datasources_yaml(file: &ParsedFile) -> Option<&YamlFile> {
    if file.source.kind != FileKind::GrafanaDatasources {
        return None;
    }
    file.model.yaml()
}
