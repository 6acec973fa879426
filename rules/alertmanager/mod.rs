//! `ALM`: Alertmanager configuration — what stops Alertmanager from loading it (unknown keys,
//! routes to receivers that do not exist), and what lets alerts go nowhere.

use crate::kind::FileKind;
use crate::parse::yaml::YamlFile;
use crate::project::ParsedFile;

crate::family_rules! {
    unknown_key => UnknownAlertmanagerKey,
    malformed_config => MalformedAlertmanagerConfig,
    undefined_receiver => UndefinedReceiver,
    duplicate_receiver => DuplicateReceiver,
    undefined_time_interval => UndefinedTimeInterval,
    receiver_without_notifications => ReceiverWithoutNotifications,
    placeholder_smtp_password => PlaceholderSmtpPassword,
}

/// The YAML tree of an Alertmanager configuration file.
pub(crate) fn alertmanager_yaml(file: &ParsedFile) -> Option<&YamlFile> {
    if file.source.kind != FileKind::Alertmanager {
        return None;
    }
    file.model.yaml()
}
