use std::collections::HashSet;

use crate::rule::{Ctx, Rule};

use super::Stack;

crate::declare_rule! {
    /// ## What it does
    /// Reports a service that runs with the privileges of the host: `privileged: true`, or
    /// `cap_add` of `ALL` or `SYS_ADMIN`.
    ///
    /// The Docker socket ([CMP019](CMP019.md)) and the host network ([CMP020](CMP020.md)) are
    /// separate rules: they are different problems, each with its own legitimate users (a
    /// reverse proxy reads the socket, a node exporter needs the host network) and its own fix,
    /// so that one can be accepted without silencing the others.
    ///
    /// Files of unknown environment that say they are for development (`NODE_ENV=development`,
    /// a `.dev` settings module, a `development` build target, `runserver`, `sleep infinity`)
    /// are left alone.
    ///
    /// ## Why it matters
    /// A privileged container sees every device of the host, can mount its disks, load kernel
    /// modules and leave its namespaces: whoever gets code execution in it — through a
    /// vulnerable dependency, an exposed admin page — is root on the server. `SYS_ADMIN` alone
    /// grants most of the same (mounts, namespaces, cgroups), and `ALL` grants everything.
    /// Services rarely need more than one or two specific capabilities.
    ///
    /// ## Example
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   app:
    ///     image: registry.example.org/app:1.4.2
    ///     privileged: true
    ///   vpn:
    ///     image: registry.example.org/vpn:2.1.0
    ///     cap_add:
    ///       - SYS_ADMIN
    /// ```
    ///
    /// ## How to fix
    /// Grant the specific capabilities the service needs, and the devices it uses:
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   app:
    ///     image: registry.example.org/app:1.4.2
    ///   vpn:
    ///     image: registry.example.org/vpn:2.1.0
    ///     cap_add:
    ///       - NET_ADMIN
    ///     devices:
    ///       - /dev/net/tun
    /// ```
    pub(crate) struct PrivilegedContainer {
        code: "CMP018",
        name: "privileged-container",
        family: Compose,
        severity: Warning,
        scope: DEPLOYED,
    }
}

impl Rule for PrivilegedContainer {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let stack = Stack::new(ctx.project);
        let mut seen = HashSet::new();
        for (file, service) in ctx.project.index.services() {
            if !stack.judged(ctx, file) {
                continue;
            }
            let name = service.name.value.as_str();
            if let Some(flag) = service
                .privileged
                .as_ref()
                .filter(|f| f.value == Some(true))
            {
                if seen.insert((file, flag.span)) {
                    ctx.report(
                        file,
                        flag.span,
                        format!("`{name}` runs privileged: code running in it controls the host"),
                    )
                    .help("remove `privileged: true` and grant only the capabilities (`cap_add`) and devices (`devices`) the service needs");
                }
            }
            for cap in &service.cap_add {
                let upper = cap.value.trim().to_ascii_uppercase();
                let upper = upper.strip_prefix("CAP_").unwrap_or(&upper);
                let why = match upper {
                    "ALL" => "every capability, as much as `privileged: true`",
                    "SYS_ADMIN" => {
                        "`SYS_ADMIN`, which lets it mount file systems and leave its namespaces"
                    }
                    _ => continue,
                };
                if seen.insert((file, cap.span)) {
                    ctx.report(
                        file,
                        cap.span,
                        format!("`{name}` is granted {why}: code running in it can take over the host"),
                    )
                    .help("grant only the specific capabilities the service needs (`NET_ADMIN`, `NET_BIND_SERVICE`, …)");
                }
            }
        }
    }
}
