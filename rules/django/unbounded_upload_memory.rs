use crate::parse::python::Value;
use crate::rule::{Ctx, Rule};
use crate::rules::django::{check_leaves, Finding, Judged};

crate::declare_rule! {
    /// ## What it does
    /// Reports deployed settings that remove Django's limits on what one request may hold in
    /// memory: `DATA_UPLOAD_MAX_MEMORY_SIZE`, `DATA_UPLOAD_MAX_NUMBER_FIELDS` or
    /// `DATA_UPLOAD_MAX_NUMBER_FILES` set to `None`, and `DATA_UPLOAD_MAX_MEMORY_SIZE` or
    /// `FILE_UPLOAD_MAX_MEMORY_SIZE` raised above 64 MiB.
    ///
    /// Leaving these settings unset is fine: Django's defaults (2.5 MiB of request data in
    /// memory, larger files streamed to disk) are safe. The size of uploaded *files* is not a
    /// Django setting at all; limit it at the proxy (`client_max_body_size` in nginx).
    ///
    /// ## Why it matters
    /// A worker holds these in RAM for the whole request. With no limit, or a limit of hundreds
    /// of megabytes, a few concurrent uploads — or one crafted request — exhaust the worker's
    /// memory and the container is killed. `FILE_UPLOAD_MAX_MEMORY_SIZE` is often raised in the
    /// belief that it caps upload size; it only decides how much of each file stays in memory.
    ///
    /// ## Example
    /// ```python title="app/settings/production.py"
    /// ALLOWED_HOSTS = ["shop.example.org"]
    /// FILE_UPLOAD_MAX_MEMORY_SIZE = 500 * 1024 * 1024
    /// DATA_UPLOAD_MAX_MEMORY_SIZE = None
    /// ```
    ///
    /// ## How to fix
    /// Keep Django's defaults and cap uploads at the proxy:
    /// ```python title="app/settings/production.py"
    /// ALLOWED_HOSTS = ["shop.example.org"]
    /// DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
    /// ```
    pub(crate) struct UnboundedUploadMemory {
        code: "DJG022",
        name: "unbounded-upload-memory",
        family: Django,
        severity: Info,
        scope: DEPLOYED,
    }
}

const LIMIT: i64 = 64 * 1024 * 1024;

impl Rule for UnboundedUploadMemory {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        check_leaves(ctx, |leaf, out| {
            for name in [
                "DATA_UPLOAD_MAX_MEMORY_SIZE",
                "DATA_UPLOAD_MAX_NUMBER_FIELDS",
                "DATA_UPLOAD_MAX_NUMBER_FILES",
                "FILE_UPLOAD_MAX_MEMORY_SIZE",
            ] {
                let Judged::Set(_, list) = leaf.judge(name) else {
                    continue;
                };
                for o in list {
                    let message = match &o.value {
                        Value::None if name != "FILE_UPLOAD_MAX_MEMORY_SIZE" => {
                            format!("{name} is None{}, so the limit is off", o.when())
                        }
                        Value::Int(n) if *n > LIMIT && name.ends_with("MEMORY_SIZE") => format!(
                            "{name} is {} MiB{}, so each request may hold that much in a \
                             worker's memory",
                            n / (1024 * 1024),
                            o.when()
                        ),
                        _ => continue,
                    };
                    out.push(Finding::at(o.span, message).help(
                        "keep Django's default limits and cap upload sizes at the reverse proxy",
                    ));
                }
            }
        });
    }
}
